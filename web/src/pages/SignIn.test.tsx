import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { SignIn } from "./SignIn";

afterEach(cleanup);

describe("signing in", () => {
  it("asks for an API key where people have keys", () => {
    render(
      <SignIn reason="sign in" mode="users" onSignedIn={() => undefined} />,
    );
    expect(screen.getByLabelText("API key")).toBeTruthy();
  });

  it("sends the person to the sign-in proxy instead of asking for a key", () => {
    render(
      <SignIn reason="sign in" mode="proxy" onSignedIn={() => undefined} />,
    );
    expect(screen.queryByLabelText("API key")).toBeNull();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.getByText(/organisation's sign-in page/)).toBeTruthy();
  });
});
