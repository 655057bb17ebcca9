// Dealgate progressive enhancement. Every page works without this file; it
// only improves focus handling and guards against double submission.
(function () {
  'use strict';

  // Move focus to the error summary so that screen reader and keyboard users
  // land on the list of problems (GOV.UK pattern).
  function focusErrorSummary(root) {
    var summary = (root || document).querySelector('[data-error-summary]');
    if (summary) {
      summary.focus();
    }
  }

  // An error summary link moves focus to its field and scrolls the field's
  // label (or the group's legend) into view, rather than the bare input.
  function onErrorSummaryClick(event) {
    var link = event.target.closest && event.target.closest('[data-error-summary] a[href^="#"]');
    if (!link) {
      return;
    }
    var id = decodeURIComponent(link.hash.slice(1));
    var input = document.getElementById(id);
    if (!input) {
      return;
    }
    event.preventDefault();
    var fieldset = input.closest('fieldset');
    var legend = fieldset && fieldset.querySelector('legend');
    var label = legend || document.querySelector('label[for="' + CSS.escape(id) + '"]');
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  }

  // Ignore a second submit of the same POST form for a moment, so that a
  // double click does not send the change twice. The server still guards
  // against replays; this only spares the round trip.
  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || '').toLowerCase() !== 'post') {
      return;
    }
    if (form.hasAttribute('data-submitting')) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.setAttribute('data-submitting', '');
    window.setTimeout(function () {
      form.removeAttribute('data-submitting');
    }, 1500);
  }

  // Conditional reveal (GOV.UK pattern): the fields under a radio show only
  // while it is chosen; a block marked data-reveal-name shows while its
  // group has one of data-reveal-values chosen. Without this script every
  // field stays in the page.
  function updateReveals(root) {
    (root || document).querySelectorAll('input[data-reveals]').forEach(function (input) {
      var panel = document.getElementById(input.getAttribute('data-reveals'));
      if (panel) {
        panel.hidden = !input.checked;
      }
    });
    (root || document).querySelectorAll('[data-reveal-name]').forEach(function (block) {
      var name = block.getAttribute('data-reveal-name');
      var values = (block.getAttribute('data-reveal-values') || '').split(' ');
      var chosen = document.querySelector('input[type="radio"][name="' + CSS.escape(name) + '"]:checked');
      block.hidden = !chosen || values.indexOf(chosen.value) === -1;
    });
  }

  function onRevealChange(event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'radio') {
      updateReveals(document);
    }
  }

  // A category tree's filter box: typing hides the categories whose name,
  // and whose subcategories' names, do not contain what was typed, and
  // opens the groups that hold a match. Checked items always stay visible.
  function setUpTreeFilters(root) {
    (root || document).querySelectorAll('[data-tree-filter]').forEach(function (box) {
      var tree = document.getElementById(box.getAttribute('data-tree-filter'));
      var wrap = box.closest('[data-tree-filter-wrap]');
      if (!tree || !wrap) {
        return;
      }
      wrap.hidden = false;
      box.addEventListener('input', function () {
        var q = box.value.trim().toLowerCase();
        var visit = function (item) {
          var label = item.querySelector(':scope > .checkboxes__item [data-tree-label]');
          var input = item.querySelector(':scope > .checkboxes__item input');
          var own = q === '' || (label && label.textContent.toLowerCase().indexOf(q) !== -1) || (input && input.checked);
          var below = false;
          var group = item.querySelector(':scope > details');
          if (group) {
            group.querySelectorAll(':scope > fieldset > ul > [data-tree-item]').forEach(function (child) {
              if (visit(child)) {
                below = true;
              }
            });
            if (q !== '' && below) {
              group.open = true;
            }
          }
          item.hidden = !(own || below);
          return own || below;
        };
        tree.querySelectorAll(':scope > ul > [data-tree-item]').forEach(visit);
      });
    });
  }

  document.addEventListener('change', onRevealChange);
  document.addEventListener('click', onErrorSummaryClick);
  // Capture phase: runs before htmx's own submit listener on the form.
  document.addEventListener('submit', onSubmit, true);
  // After htmx swaps in a re-rendered form, focus its error summary too.
  document.addEventListener('htmx:afterSwap', function (event) {
    focusErrorSummary(event.detail && event.detail.target);
  });

  // A page restored from the back/forward cache may still carry the flag.
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-submitting]').forEach(function (form) {
      form.removeAttribute('data-submitting');
    });
  });

  // The script is deferred, so the document has been parsed.
  focusErrorSummary(document);
  setUpTreeFilters(document);
  updateReveals(document);
})();
