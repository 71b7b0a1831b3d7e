// The jobseeker page: a pasted CV → vacancies, each with why it fits and the skills it lacks.
import {
  api,
  busy,
  chips,
  clearNotices,
  el,
  faNumber,
  fillDatalist,
  fillSelect,
  notify,
  notifyError,
  place,
  reference,
  scoreBadge,
  sortFa,
} from "./common.js";

const form = document.getElementById("cv-form");
const cv = document.getElementById("cv");
const province = document.getElementById("province");
const city = document.getElementById("city");
const count = document.getElementById("k");
const submit = document.getElementById("cv-submit");
const notices = document.getElementById("notice");
const results = document.getElementById("results");

function transferable(details) {
  const pairs = details.transferable_skills;
  if (!pairs || !pairs.length) return null;
  return el(
    "div",
    { class: "chips chips-transferable" },
    el("span", { class: "chips-title", text: "مهارت‌های نزدیکی که دارید" }),
    el(
      "ul",
      {},
      pairs.map((pair) =>
        el("li", { class: "chip chip-transferable" }, `${pair.held} به جای ${pair.missing}`),
      ),
    ),
  );
}

function training(details) {
  const offers = details.training;
  if (!offers || !offers.length) return null;
  return el(
    "div",
    { class: "training" },
    el("span", { class: "chips-title", text: "دوره‌های آموزشی پیشنهادی" }),
    el(
      "ul",
      {},
      offers.map((offer) =>
        el(
          "li",
          {},
          el("b", { text: `${offer.skill}: ` }),
          offer.courses
            .map((course) => `${course.title_fa} (${faNumber(course.hours)} ساعت)`)
            .join("؛ "),
        ),
      ),
    ),
  );
}

function card(match, best) {
  const details = match.details || {};
  const where = [details.employer, place(match.city, match.province)].filter(Boolean).join(" · ");
  return el(
    "article",
    { class: "card result", "data-id": match.id },
    el(
      "header",
      { class: "result-head" },
      el("span", { class: "rank", text: faNumber(match.rank) }),
      el(
        "div",
        { class: "result-title" },
        el("h3", { dir: "auto", text: match.title }),
        el("p", { class: "muted", text: where }),
      ),
      scoreBadge(match.score, best),
    ),
    el("p", { class: "explanation", text: match.explanation }),
    chips("مهارت‌های منطبق با رزومه", match.matched_skills, "matched"),
    chips("مهارت‌های خواسته‌شده که در رزومه نیست", match.missing_skills, "missing"),
    transferable(details),
    training(details),
  );
}

function render(matches) {
  if (!matches.length) {
    results.replaceChildren();
    notify(notices, "info", "آگهی مناسبی پیدا نشد. فیلتر استان یا شهر را بردارید یا رزومه را کامل‌تر کنید.");
    return;
  }
  const best = Math.max(...matches.map((match) => match.score));
  results.replaceChildren(
    el("h2", { class: "results-title" }, `${faNumber(matches.length)} آگهی پیشنهادی`),
    ...matches.map((match) => card(match, best)),
  );
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = cv.value.trim();
  if (!text) {
    notify(notices, "error", "متن رزومه را در کادر بالا وارد کنید.");
    cv.focus();
    return;
  }
  clearNotices(notices);
  const filters = {};
  if (province.value) filters.province = province.value;
  if (city.value.trim()) filters.city = city.value.trim();
  const body = { text, kind: "cv", k: Number(count.value) };
  if (Object.keys(filters).length) body.filters = filters;
  await busy(submit, "در حال جستجو…", async () => {
    try {
      const data = await api("/v1/match", { method: "POST", body });
      render(data.results);
    } catch (error) {
      results.replaceChildren();
      notifyError(notices, error);
    }
  });
});

reference()
  .then((lists) => {
    fillSelect(province, sortFa(lists.provinces));
    fillDatalist(document.getElementById("city-list"), sortFa(lists.cities));
  })
  .catch((error) => notifyError(notices, error));
