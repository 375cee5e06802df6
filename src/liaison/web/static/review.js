// The review queue's keys: j/k move, m merges, n says "not the same", s skips. Buttons work without this.
(function () {
  const items = Array.from(document.querySelectorAll(".review-item"));
  if (!items.length) return;
  let current = 0;
  function show(i) {
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach((el, n) => el.classList.toggle("current", n === current));
    items[current].scrollIntoView({ block: "nearest" });
  }
  function press(selector) {
    const button = items[current].querySelector(selector);
    if (button) button.click();
  }
  items.forEach((el, n) => {
    const skip = el.querySelector(".decide-skip");
    if (skip) skip.addEventListener("click", () => { el.classList.add("skipped"); show(n + 1); });
    el.addEventListener("click", () => { current = n; show(n); });
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const actions = { j: () => show(current + 1), k: () => show(current - 1), s: () => press(".decide-skip"),
                      m: () => press(".decide-merge"), n: () => press(".decide-distinct") };
    if (actions[event.key]) { event.preventDefault(); actions[event.key](); }
  });
})();
