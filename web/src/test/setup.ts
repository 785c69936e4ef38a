// Component tests share a 2-core machine with the rest of the suite: under load jsdom takes
// seconds to read a file or render, so waiting for the page gets 5 s, not Testing Library's 1 s.
import { configure } from "@testing-library/react";

configure({ asyncUtilTimeout: 5000 });
