// Jiliang's own behaviour. Loaded as a file: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // <select data-autosubmit> submits its form on change (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.requestSubmit();
    }
  });

  // <form data-confirm="..."> asks before submitting.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });

  // <button data-fill-select="#id" data-value="..."> chooses that option (a suggestion).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-fill-select]");
    if (!button) return;
    var select = document.querySelector(button.getAttribute("data-fill-select"));
    if (select) {
      select.value = button.getAttribute("data-value");
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // The menu button of the off-canvas sections (small screens) says whether the menu is open.
  ["shown", "hidden"].forEach(function (state) {
    document.addEventListener(state + ".bs.offcanvas", function (event) {
      document.querySelectorAll('[aria-controls="' + event.target.id + '"]').forEach(function (toggle) {
        toggle.setAttribute("aria-expanded", state === "shown" ? "true" : "false");
      });
    });
  });

  // <button data-copy="#id"> copies the text of an element (a new API token).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (source && navigator.clipboard) {
      navigator.clipboard.writeText(source.textContent.trim()).then(function () {
        button.classList.add("btn-success");
      });
    }
  });
  // <form data-skip-logic>: a section or question with data-relevant (a condition of
  // needs.logic, as JSON) is shown only while it holds for the answers of the shown questions
  // before it. The server applies the same rules when the answers are submitted.
  function surveyAnswer(form, name) {
    var inputs = Array.prototype.filter.call(form.elements, function (input) {
      return input.name === name;
    });
    if (!inputs.length) return null;
    if (inputs[0].type === "checkbox") {
      var chosen = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      return chosen.length ? chosen : null;
    }
    if (inputs[0].type === "radio") {
      var checked = inputs.filter(function (i) { return i.checked; })[0];
      return checked ? checked.value : null;
    }
    var value = inputs[0].value.trim();
    return value === "" ? null : value;
  }

  function surveyHolds(condition, answers) {
    if (!condition) return true;
    if (condition.not) return !surveyHolds(condition.not, answers);
    if (condition.all) return condition.all.every(function (part) { return surveyHolds(part, answers); });
    if (condition.any) return condition.any.some(function (part) { return surveyHolds(part, answers); });
    var answer = answers.hasOwnProperty(condition.question) ? answers[condition.question] : null;
    var value = String(condition.value);
    if (condition.op === "answered") return answer !== null;
    if (condition.op === "not_equals") return answer === null || String(answer) !== value;
    if (answer === null) return false;
    if (condition.op === "equals") return String(answer) === value;
    if (condition.op === "selected" || condition.op === "not_selected") {
      var chosen = Array.isArray(answer) ? answer : [answer];
      return (chosen.indexOf(value) >= 0) === (condition.op === "selected");
    }
    var number = Number(answer), limit = Number(condition.value);
    if (Array.isArray(answer) || isNaN(number) || isNaN(limit)) return false;
    return { gt: number > limit, gte: number >= limit, lt: number < limit, lte: number <= limit }[condition.op] || false;
  }

  function surveyCondition(element) {
    var text = element.getAttribute("data-relevant");
    return text ? JSON.parse(text) : null;
  }

  function applySkipLogic(form) {
    var seen = {};
    form.querySelectorAll("[data-section]").forEach(function (section) {
      var sectionShown = surveyHolds(surveyCondition(section), seen);
      section.hidden = !sectionShown;
      section.querySelectorAll("[data-question]").forEach(function (question) {
        var shown = sectionShown && surveyHolds(surveyCondition(question), seen);
        question.hidden = !shown;
        var name = question.getAttribute("data-question");
        var answer = shown ? surveyAnswer(form, name) : null;
        if (answer !== null) seen[name] = answer;
      });
    });
  }

  ["change", "input"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.form;
      if (form && form.hasAttribute("data-skip-logic")) applySkipLogic(form);
    });
  });
  document.querySelectorAll("form[data-skip-logic]").forEach(applySkipLogic);
})();
