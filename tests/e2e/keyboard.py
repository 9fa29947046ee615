"""A person with a keyboard only: Tab from stop to stop, and at every stop the focus must be
seen (WCAG 2.2 2.4.7, 2.4.11, 2.4.13), measured in the page rather than assumed.

``Keyboard.tab_to`` presses Tab until the focus reaches the element asked for, checking each
element it passes on the way, so a journey also proves the order in which fields are reached."""

import re
from dataclasses import dataclass, field

from .test_focus_and_contrast import contrast

FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  // The ring is drawn outside the element unless its offset is negative: measure it against
  // what lies behind it, the nearest ancestor with a background of its own.
  let n = parseFloat(s.outlineOffset) < 0 ? e : e.parentElement, behind = null;
  for (; n && n.nodeType === 1; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c !== "transparent" && !/rgba\\(.*,\\s*0\\)$/.test(c)) { behind = c; break; }
  }
  behind = behind || getComputedStyle(document.documentElement).backgroundColor;
  const r = e.getBoundingClientRect();
  // An inline link over two lines has a box wider than its text (and may begin with an empty
  // piece at the end of a line): look at its largest piece.
  const line = [...e.getClientRects()].filter(q => q.width > 0 && q.height > 0)
    .sort((a, b) => b.width * b.height - a.width * a.height)[0] || r;
  const x = Math.min(Math.max(line.left + line.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(line.top + line.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  const seen = !!top && (top === e || e.contains(top) || (top.control === e)
                         || (top.tagName === "LABEL" && top.contains(e)));
  return {
    what: `${e.tagName.toLowerCase()}#${e.id} ${(e.innerText || e.value || "").slice(0, 40)}`,
    style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor, behind,
    shadow: s.boxShadow,
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
            && r.right > 0 && r.left < innerWidth,
    top: r.top,
    notObscured: seen, atCentre: top && `${top.tagName.toLowerCase()}.${top.className}`,
  };
}"""


def indicators(focus: dict) -> list[str]:
    """The colours that show the focus: a solid outline of 2 px or more, a halo (a box shadow
    spread 2 px or more)."""
    colours = []
    if focus["style"] == "solid" and focus["width"] >= 2:
        colours.append(focus["colour"])
    for colour, spread in re.findall(
        r"(rgba?\([^)]*\))\s+-?[\d.]+px\s+-?[\d.]+px\s+[\d.]+px\s+([\d.]+)px", focus["shadow"]
    ):
        if float(spread) >= 2:
            colours.append(colour)
    return colours


@dataclass
class Keyboard:
    page: object
    stops: list[str] = field(default_factory=list)

    def focused(self, selector: str) -> bool:
        return self.page.evaluate(
            "s => !!document.activeElement && document.activeElement.matches(s)", selector
        )

    def assert_focus_visible(self) -> None:
        # Bootstrap scrolls smoothly: measure once the element is in view and has stopped.
        previous = None
        for _ in range(100):
            focus = self.page.evaluate(FOCUS)
            if focus is None or (focus["inView"] and previous and previous["top"] == focus["top"]):
                break
            previous = focus
            self.page.wait_for_timeout(20)  # more than a frame
        assert focus is not None, f"the focus fell to the page after {self.stops[-3:]}"
        self.stops.append(focus["what"])
        assert any(contrast(colour, focus["behind"]) >= 3 for colour in indicators(focus)), focus
        assert focus["inView"] and focus["notObscured"], focus

    def tab_to(self, selector: str, limit: int = 150) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.assert_focus_visible()
            if self.focused(selector):
                return
        raise AssertionError(f"{selector} not reached by Tab; passed {self.stops[-limit:]}")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("End")
        self.page.keyboard.type(text)

    def tick(self, selector: str) -> None:
        """A checkbox, or the first radio of a group, reached by Tab and chosen by Space."""
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        assert self.page.locator(selector).is_checked(), selector

    def choose(self, selector: str, value: str) -> None:
        """A select list, moved by the arrow keys until it shows the value asked for."""
        self.tab_to(selector)
        for _ in range(40):
            if self.page.locator(selector).input_value() == value:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"{value} not reached in {selector}")

    def follow(self, selector: str) -> None:
        """Tab to a link or a button and press Enter; wait for the next page."""
        self.tab_to(selector)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.stops.clear()
