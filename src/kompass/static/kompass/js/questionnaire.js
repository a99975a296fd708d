/* Skip logic of questionnaire forms (progressive enhancement for
   templates/questionnaires/_section.html). Every item is a fieldset with data-item,
   data-type and, if it is not always asked, data-show-if (the condition as JSON, the same
   format as show_if in the definition files: {item, in|equals|gte|lte} or {all|any: [...]}).
   Answers of other sections come from data-answers on the container.
   Items that are not asked are hidden and disabled, so that they are not submitted. The
   server evaluates the same rules (kompass.questionnaires.definition); without this script
   every item is shown and the server explains which answers do not apply. */
(function () {
  "use strict";

  var NO_ANSWER = "keine_angabe";
  var NO_ANSWER_SUFFIX = "__keine_angabe";

  function holds(condition, answers) {
    if (condition.all) {
      return condition.all.every(function (part) { return holds(part, answers); });
    }
    if (condition.any) {
      return condition.any.some(function (part) { return holds(part, answers); });
    }
    var value = answers[condition.item];
    if (value === undefined || value === null) {
      return false;
    }
    if ("in" in condition || "equals" in condition) {
      var expected = "in" in condition ? condition["in"] : [condition.equals];
      var given = Array.isArray(value) ? value : [value];
      return given.some(function (v) {
        return expected.indexOf(v) >= 0;
      });
    }
    if (typeof value !== "number") {
      return false;
    }
    return "gte" in condition ? value >= condition.gte : value <= condition.lte;
  }

  function number(text) {
    var cleaned = text.trim().replace(/\s/g, "");
    if (cleaned.indexOf(",") >= 0 && cleaned.indexOf(".") < 0) {
      cleaned = cleaned.replace(",", ".");
    }
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(cleaned)) {
      return undefined;
    }
    return parseFloat(cleaned);
  }

  /* The answer an item's inputs hold now, as the server would read it (undefined: none). */
  function answerOf(fieldset) {
    var type = fieldset.dataset.type;
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input, textarea"));
    if (type === "multiple_choice") {
      var chosen = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      if (chosen.length === 1 && chosen[0] === NO_ANSWER) {
        return NO_ANSWER;
      }
      return chosen.length ? chosen : undefined;
    }
    if (type === "number" || type === "text") {
      var noAnswer = inputs.filter(function (i) {
        return i.type === "checkbox" && i.name.slice(-NO_ANSWER_SUFFIX.length) === NO_ANSWER_SUFFIX;
      })[0];
      if (noAnswer && noAnswer.checked) {
        return NO_ANSWER;
      }
      var field = inputs.filter(function (i) { return i.type !== "checkbox"; })[0];
      if (!field || !field.value.trim()) {
        return undefined;
      }
      return type === "number" ? number(field.value) : field.value;
    }
    var checked = inputs.filter(function (i) { return i.checked; })[0];
    if (!checked) {
      return undefined;
    }
    if (type === "scale" && checked.value !== NO_ANSWER) {
      return parseInt(checked.value, 10);
    }
    return checked.value;
  }

  function update(container) {
    var answers = {};
    var stored = {};
    try {
      stored = JSON.parse(container.dataset.answers || "{}");
    } catch (error) {
      stored = {};
    }
    var items = Array.prototype.slice.call(container.querySelectorAll("fieldset[data-item]"));
    var here = {};
    items.forEach(function (fieldset) { here[fieldset.dataset.item] = true; });
    Object.keys(stored).forEach(function (key) {
      if (!here[key]) {
        answers[key] = stored[key];
      }
    });
    // In document order, so that an item hidden here counts as unanswered for later ones.
    items.forEach(function (fieldset) {
      var visible = true;
      if (fieldset.dataset.showIf) {
        visible = holds(JSON.parse(fieldset.dataset.showIf), answers);
        fieldset.hidden = !visible;
        fieldset.disabled = !visible;
      }
      if (visible) {
        var answer = answerOf(fieldset);
        if (answer !== undefined) {
          answers[fieldset.dataset.item] = answer;
        }
      }
    });
  }

  function start() {
    var containers = document.querySelectorAll("[data-questionnaire]");
    Array.prototype.forEach.call(containers, function (container) {
      if (container.dataset.questionnaireReady) {
        return;
      }
      container.dataset.questionnaireReady = "1";
      var refresh = function () { update(container); };
      container.addEventListener("change", refresh);
      container.addEventListener("input", refresh);
      refresh();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:afterSettle", start);
})();
