"""What the host and the guest say around the deck's own content, several ways each, so the
offline dialogue does not repeat itself (see offline.py, which draws from these)."""

from __future__ import annotations

OPENINGS = (
    "Welcome to the show. Today we're talking about {topic}, and I have a guest with me "
    "who knows it well.",
    "Hello and welcome. This episode is all about {topic}, and I'm joined by someone who "
    "can walk us through it.",
    "Hi everyone, thanks for tuning in. We're going through {topic} today, and my guest is "
    "here to explain it.",
)
GREETINGS = (
    "Thanks for having me. Happy to be here.",
    "Great to be here. There's a lot to cover, so let's get into it.",
    "Thanks! I've been looking forward to this one.",
)
FIRST_TOPIC = (
    "Let's start with {title}. What should people know first?",
    "So, first up: {title}. Where do we begin?",
    "We open with {title}. Can you set the scene for us?",
)
FIRST_UNTITLED = (
    "Let's dive right in. Where do we start?",
    "So, where does it all begin?",
)
NEXT_TOPIC = (
    "Let's move on to {title}.",
    "Next up is {title}. What's going on there?",
    "Now, {title}. Tell me about that.",
    "That brings us to {title}. How does that fit in?",
    "Let's talk about {title}.",
    "What about {title}?",
    "And then there's {title}. Walk me through it.",
    "Turning to {title} — what's the idea?",
)
NEXT_UNTITLED = (
    "What comes next?",
    "Let's keep going. What's next?",
    "And after that?",
    "Where do we go from here?",
)
WRAP_UPS = (
    "Got it.",
    "That makes sense.",
    "Okay, that's clear.",
    "Good.",
    "Nice.",
    "Great, thanks.",
    "Understood.",
)
QUESTIONS = (
    "Right — so why does that matter?",
    "How does that work in practice?",
    "Can you unpack that a little?",
    "Interesting. What's the thinking behind it?",
    "And what does that mean for the listener?",
    "Okay. So what follows from that?",
    "Is there more to it?",
)
REACTIONS = (
    "Mm-hm. Go on.",
    "That's a useful way to put it.",
    "Right, I see.",
    "Interesting.",
    "Okay, that's helpful.",
    "I like that.",
)
TAKE_UPS = (
    "Sure.",
    "Well, here's the thing.",
    "Right.",
    "Good question.",
)
SILENT_SLIDE = (
    "That one is mostly visual, so there isn't much to add beyond what's on the slide.",
    "That part is really a picture; it speaks for itself.",
    "Not much to say there — it's more of a visual break.",
)
CLOSING_HOST = (
    "We're about out of time. Any last thought for our listeners?",
    "Before we wrap up, what's the one thing people should take away?",
    "That's a good place to finish. Anything you'd like to add?",
)
CLOSING_GUEST = (
    "Just that {topic} rewards a closer look. Thanks for having me.",
    "Only that it's worth going back over {topic} with all of this in mind. Thanks for the "
    "conversation.",
    "Keep the big picture of {topic} in mind, and the details fall into place. This was fun.",
)
CLOSING_THANKS = (
    "Thank you. And thanks to everyone for listening.",
    "Thanks so much. That's it for this episode — see you next time.",
    "Thank you for joining me. And thank you all for listening.",
)
