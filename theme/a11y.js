// Accessibility repairs of mdBook 0.5's page chrome, until upstream fixes them
// (roadbook's own; checked by tests/browser with axe-core):
// - the sidebar toggle is a <label> carrying aria-controls/aria-expanded,
//   which a label may not have (rust-lang/mdBook#2345) and which the keyboard
//   cannot reach (rust-lang/mdBook#2615): make it a focusable button;
// - a code block wider than the page scrolls, but a keyboard user can only
//   scroll what can take focus: make such blocks focusable;
// - the page text is 40-55 Tab presses behind the sidebar and the menu bar:
//   a "Skip to content" link is the first Tab stop (styled in chrome.css).
(() => {
    const content = document.getElementById('mdbook-content');
    if (content && !document.querySelector('.roadbook-skip')) {
        const skip = document.createElement('a');
        skip.className = 'roadbook-skip';
        skip.href = '#mdbook-content';
        skip.textContent = 'Skip to content';
        skip.addEventListener('click', (event) => {
            event.preventDefault();
            const main = content.querySelector('main') ?? content;
            main.setAttribute('tabindex', '-1');
            main.focus();
            main.scrollIntoView();
        });
        document.body.prepend(skip);
    }

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
