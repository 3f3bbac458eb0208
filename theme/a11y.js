// Accessibility repairs of mdBook 0.5's page chrome, until upstream fixes them
// (roadbook's own; checked by tests/browser with axe-core):
// - the sidebar toggle is a <label> carrying aria-controls/aria-expanded,
//   which a label may not have (rust-lang/mdBook#2345) and which the keyboard
//   cannot reach (rust-lang/mdBook#2615): make it a focusable button;
// - a code block wider than the page scrolls, but a keyboard user can only
//   scroll what can take focus: make such blocks focusable.
(() => {
    const toggle = document.getElementById('mdbook-sidebar-toggle');
    if (toggle && toggle.tagName === 'LABEL') {
        toggle.setAttribute('role', 'button');
        toggle.setAttribute('tabindex', '0');
        toggle.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                toggle.click();
            }
        });
    }

    const focusScrollable = () => {
        for (const code of document.querySelectorAll('pre > code')) {
            if (code.scrollWidth > code.clientWidth) {
                code.setAttribute('tabindex', '0');
            } else if (code.getAttribute('tabindex') === '0') {
                code.removeAttribute('tabindex');
            }
        }
    };
    focusScrollable();
    window.addEventListener('resize', focusScrollable);
})();
