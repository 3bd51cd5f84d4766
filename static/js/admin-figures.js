/* The event form's figure rows (knowledgebase/events/admin_entry.py, FigureRowsInline). Without this
   script the rows work as plain fields; with it:
   - a row's measure is the row above's once a value is typed, until another is chosen, so that the
     claims about one measure go in one after another;
   - "Claimed by" suggests actors and organisations as one types, from the admin's autocomplete (which
     finds aliases, in any case and script); choosing one fills the row's hidden actor or organisation;
   - a row's source lists the sources the event's Citations name first, then every source found;
   - ranking a claim preferred or deprecated opens the row's "More", where the reason goes. */
"use strict";
{
  const SUGGESTIONS_PER_KIND = 8;
  const DELAY_MS = 200;

  function rowOf(element) {
    return element.closest("tr.form-row");
  }

  function field(row, name) {
    return row.querySelector(`[name$="-${name}"]`);
  }

  // --- The measure of the row above --------------------------------------------------------------

  function takeMeasureFromAbove(group, valueInput) {
    const row = rowOf(valueInput);
    const measure = row && field(row, "measure");
    if (!measure || measure.value) {
      return;
    }
    const rows = Array.from(group.querySelectorAll("tr.form-row:not(.empty-form)"));
    for (let index = rows.indexOf(row) - 1; index >= 0; index--) {
      const above = field(rows[index], "measure");
      if (above && above.value) {
        measure.value = above.value;
        measure.dispatchEvent(new Event("change", {bubbles: true}));
        return;
      }
    }
  }

  // --- "Claimed by" suggestions ----------------------------------------------------------------------

  class ClaimantSuggestions {
    constructor(group) {
      this.group = group;
      this.url = group.dataset.autocompleteUrl;
      this.kinds = [
        {field: "claimant_actor", label: group.dataset.actorLabel},
        {field: "claimant_organization", label: group.dataset.organizationLabel},
      ];
      this.list = document.createElement("ul");
      this.list.id = "figure-claimant-suggestions";
      this.list.className = "claimant-suggestions";
      this.list.setAttribute("role", "listbox");
      this.list.hidden = true;
      this.input = null;
      this.options = [];
      this.active = -1;
      this.asked = 0;
      this.timer = null;
      group.addEventListener("focusin", (event) => this.attach(event.target));
      group.addEventListener("input", (event) => this.typed(event.target));
      group.addEventListener("keydown", (event) => this.key(event));
      group.addEventListener("focusout", (event) => {
        if (event.target === this.input) {
          this.close();
        }
      });
      this.list.addEventListener("mousedown", (event) => {
        const option = event.target.closest("li[role=option]");
        if (option) {
          event.preventDefault(); // keeps the focus in the input
          this.choose(Number(option.dataset.index));
        }
      });
    }

    isClaimant(element) {
      return element.matches && element.matches("input.figure-claimant") && !element.name.includes("__prefix__");
    }

    attach(input) {
      if (!this.isClaimant(input) || input === this.input) {
        return;
      }
      this.close();
      this.input = input;
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-expanded", "false");
      input.setAttribute("aria-controls", this.list.id);
      input.parentNode.appendChild(this.list);
    }

    typed(input) {
      if (!this.isClaimant(input)) {
        return;
      }
      this.attach(input);
      // What is typed no longer names the actor or organisation chosen before.
      const row = rowOf(input);
      this.kinds.forEach((kind) => {
        const hidden = field(row, kind.field);
        if (hidden) {
          hidden.value = "";
        }
      });
      clearTimeout(this.timer);
      const term = input.value.trim();
      if (term.length < 2) {
        this.close();
        return;
      }
      this.timer = setTimeout(() => this.ask(term), DELAY_MS);
    }

    async ask(term) {
      const asked = ++this.asked;
      const lists = await Promise.all(this.kinds.map((kind) => this.fetchKind(kind, term)));
      if (asked !== this.asked || !this.input) {
        return; // an answer to an older question
      }
      this.show(lists.flat());
    }

    async fetchKind(kind, term) {
      const query = new URLSearchParams({term, app_label: "events", model_name: "figure", field_name: kind.field});
      try {
        const response = await fetch(`${this.url}?${query}`, {credentials: "same-origin"});
        if (!response.ok) {
          return [];
        }
        const data = await response.json();
        return data.results.slice(0, SUGGESTIONS_PER_KIND).map((result) => ({...result, kind}));
      } catch (error) {
        return [];
      }
    }

    show(options) {
      this.options = options;
      this.active = -1;
      this.list.replaceChildren(
        ...options.map((option, index) => {
          const item = document.createElement("li");
          item.id = `${this.list.id}-${index}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          item.dataset.index = index;
          const kind = document.createElement("span");
          kind.className = "claimant-kind";
          kind.textContent = ` (${option.kind.label})`;
          item.append(option.text, kind);
          return item;
        })
      );
      this.list.hidden = options.length === 0;
      this.input.setAttribute("aria-expanded", String(options.length > 0));
    }

    highlight(index) {
      const items = this.list.querySelectorAll("li[role=option]");
      items.forEach((item, position) => item.setAttribute("aria-selected", String(position === index)));
      this.active = index;
      if (items[index]) {
        this.input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({block: "nearest"});
      }
    }

    choose(index) {
      const option = this.options[index];
      if (!option || !this.input) {
        return;
      }
      const row = rowOf(this.input);
      this.input.value = option.text;
      this.kinds.forEach((kind) => {
        const hidden = field(row, kind.field);
        if (hidden) {
          hidden.value = kind === option.kind ? option.id : "";
        }
      });
      this.close();
    }

    key(event) {
      if (event.target !== this.input || this.list.hidden) {
        return;
      }
      const count = this.options.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        this.highlight((this.active + step + count) % count);
      } else if (event.key === "Enter" && this.active >= 0) {
        event.preventDefault(); // chooses; does not submit the form
        this.choose(this.active);
      } else if (event.key === "Escape") {
        this.close();
      }
    }

    close() {
      clearTimeout(this.timer);
      this.asked++;
      this.options = [];
      this.active = -1;
      this.list.hidden = true;
      this.list.replaceChildren();
      if (this.input) {
        this.input.setAttribute("aria-expanded", "false");
        this.input.removeAttribute("aria-activedescendant");
      }
      this.input = null;
    }
  }

  // --- Sources cited on this event first -----------------------------------------------------------

  function citedSources() {
    const cited = [];
    document.querySelectorAll("select[name^='citations-'][name$='-source']").forEach((select) => {
      if (select.name.includes("__prefix__")) {
        return;
      }
      const deleted = document.querySelector(`input[name="${select.name.replace(/-source$/, "-DELETE")}"]`);
      const option = select.selectedOptions[0];
      if ((!deleted || !deleted.checked) && option && option.value) {
        cited.push({id: option.value, text: option.textContent});
      }
    });
    return cited;
  }

  function withCitedFirst(select, data, params) {
    if ((params.page || 1) > 1) {
      return data;
    }
    const term = (params.term || "").toLocaleLowerCase();
    const cited = citedSources().filter((source) => source.text.toLocaleLowerCase().includes(term));
    if (!cited.length) {
      return data;
    }
    const citedIds = new Set(cited.map((source) => source.id));
    const others = data.results.filter((source) => !citedIds.has(String(source.id)));
    const groups = [{text: select.dataset.citedLabel, children: cited}];
    if (others.length) {
      groups.push({text: select.dataset.allLabel, children: others});
    }
    return {results: groups, pagination: data.pagination};
  }

  function initSource(select) {
    const $ = window.django && window.django.jQuery;
    if (!$ || !$.fn.select2 || select.name.includes("__prefix__") || $(select).data("select2")) {
      return;
    }
    $(select).select2({
      width: "100%",
      ajax: {
        data: (params) => ({
          term: params.term,
          page: params.page,
          app_label: select.dataset.appLabel,
          model_name: select.dataset.modelName,
          field_name: select.dataset.fieldName,
        }),
        processResults: (data, params) => withCitedFirst(select, data, params),
      },
    });
    // Select2 names its box by the chosen source alone, which leaves an empty one nameless: name it by the
    // row's label too.
    const label = document.querySelector(`label[for="${select.id}"]`);
    const selection = select.nextElementSibling && select.nextElementSibling.querySelector(".select2-selection");
    if (label && selection) {
      label.id = label.id || `${select.id}-label`;
      selection.setAttribute("aria-labelledby", `${label.id} ${selection.getAttribute("aria-labelledby") || ""}`.trim());
      const rendered = selection.querySelector(".select2-selection__rendered");
      if (rendered) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
    }
  }

  // --- A rank that needs its reason -------------------------------------------------------------------

  function openDetailsForRank(select) {
    const details = rowOf(select) && rowOf(select).querySelector("details.figure-more");
    if (details && select.value && select.value !== "normal") {
      details.open = true;
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const group = document.getElementById("figures-group");
    if (!group) {
      return;
    }
    group.querySelectorAll("select.admin-autocomplete-cited").forEach(initSource);
    new ClaimantSuggestions(group);
    group.addEventListener("input", (event) => {
      if (event.target.matches("input[name$='-value']")) {
        takeMeasureFromAbove(group, event.target);
      }
    });
    group.addEventListener("change", (event) => {
      if (event.target.matches("select[name$='-rank']")) {
        openDetailsForRank(event.target);
      }
    });
    document.addEventListener("formset:added", (event) => {
      if (event.detail && event.detail.formsetName === "figures") {
        event.target.querySelectorAll("select.admin-autocomplete-cited").forEach(initSource);
      }
    });
  });
}
