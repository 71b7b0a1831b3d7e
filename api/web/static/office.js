// The office page: pick a vacancy, shortlist jobseekers for it, record each one's outcome.
import {
  EDUCATION_FA,
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

const PAGE_SIZE = 8;
const STATUS_FA = {
  shortlisted: "در فهرست کوتاه",
  interviewed: "مصاحبه‌شده",
  hired: "استخدام‌شده",
  rejected: "ردشده",
};
const ACTION_FA = {
  shortlisted: "فهرست کوتاه",
  interviewed: "مصاحبه",
  hired: "استخدام",
  rejected: "رد",
};

const notices = document.getElementById("notice");
const searchForm = document.getElementById("vacancy-search");
const list = document.getElementById("vacancy-list");
const countLine = document.getElementById("vacancy-count");
const pageLine = document.getElementById("vacancy-page");
const prev = document.getElementById("vacancy-prev");
const next = document.getElementById("vacancy-next");
const detail = document.getElementById("vacancy-detail");
const shortlistForm = document.getElementById("shortlist-form");
const shortlistButton = document.getElementById("shortlist-submit");
const candidates = document.getElementById("candidates");

const state = {
  offset: 0,
  total: 0,
  vacancy: null,
  statuses: new Map(),
  listCall: 0, // a newer search (or key) wins over an older answer, for both lists
  shortlistCall: 0,
};

async function loadVacancies() {
  const call = ++state.listCall;
  const params = {
    q: document.getElementById("vacancy-q").value,
    province: document.getElementById("vacancy-province").value,
    limit: PAGE_SIZE,
    offset: state.offset,
  };
  try {
    const data = await api("/v1/vacancies", { params });
    if (call !== state.listCall) return;
    state.total = data.total;
    renderVacancies(data.vacancies);
  } catch (error) {
    if (call !== state.listCall) return;
    list.replaceChildren();
    countLine.textContent = "";
    pageLine.textContent = "";
    notifyError(notices, error);
  }
}

function renderVacancies(vacancies) {
  countLine.textContent = state.total
    ? `${faNumber(state.total)} آگهی`
    : "آگهی‌ای با این مشخصات نیست.";
  list.replaceChildren(
    ...vacancies.map((vacancy) =>
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: "pick",
            "data-id": vacancy.id,
            "aria-pressed": String(state.vacancy?.id === vacancy.id),
            onclick: () => selectVacancy(vacancy.id),
          },
          el("span", { class: "pick-title", dir: "auto", text: vacancy.title }),
          el(
            "span",
            { class: "pick-meta" },
            [vacancy.employer, place(vacancy.city, vacancy.province)].filter(Boolean).join(" · "),
          ),
        ),
      ),
    ),
  );
  const pages = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
  const current = Math.floor(state.offset / PAGE_SIZE) + 1;
  pageLine.textContent = `صفحهٔ ${faNumber(current)} از ${faNumber(pages)}`;
  prev.disabled = state.offset === 0;
  next.disabled = state.offset + PAGE_SIZE >= state.total;
}

function fact(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return el("div", { class: "fact" }, el("dt", { text: label }), el("dd", { dir: "auto", text: value }));
}

function renderDetail(vacancy) {
  const excerpt = vacancy.text.length > 400 ? `${vacancy.text.slice(0, 400)}…` : vacancy.text;
  detail.replaceChildren(
    el("h2", { dir: "auto", text: vacancy.title }),
    el(
      "dl",
      { class: "facts" },
      fact("کارفرما", vacancy.employer),
      fact("محل کار", place(vacancy.city, vacancy.province)),
      fact(
        "کمینهٔ سابقه",
        vacancy.min_experience_years === null ? null : `${faNumber(vacancy.min_experience_years)} سال`,
      ),
      fact("تحصیلات", vacancy.education ? EDUCATION_FA[vacancy.education] : null),
      fact("شناسه", vacancy.id),
    ),
    el("p", { class: "vacancy-text", dir: "auto", text: excerpt }),
    chips("مهارت‌های خواسته‌شده", vacancy.skills, "asked"),
  );
  detail.hidden = false;
}

async function selectVacancy(id) {
  clearNotices(notices);
  candidates.replaceChildren();
  try {
    const vacancy = await api(`/v1/vacancies/${encodeURIComponent(id)}`);
    state.vacancy = vacancy;
    renderDetail(vacancy);
    shortlistForm.hidden = false;
    for (const button of list.querySelectorAll("button.pick")) {
      button.setAttribute("aria-pressed", String(button.dataset.id === id));
    }
    await loadShortlist();
  } catch (error) {
    notifyError(notices, error);
  }
}

function statusLine(jobseekerId) {
  const status = state.statuses.get(jobseekerId);
  return status ? `وضعیت: ${STATUS_FA[status]}` : "وضعیت: هنوز ثبت نشده";
}

function candidateCard(match, best) {
  const details = match.details || {};
  const facts = [
    place(match.city, match.province),
    details.experience_years === null || details.experience_years === undefined
      ? null
      : `${faNumber(details.experience_years)} سال سابقه`,
    details.education ? EDUCATION_FA[details.education] : null,
  ].filter(Boolean);
  const status = el("p", { class: "status", "data-status": state.statuses.get(match.id) || "" });
  status.textContent = statusLine(match.id);
  const actions = el(
    "div",
    { class: "outcomes", role: "group", "aria-label": "ثبت نتیجه" },
    Object.keys(ACTION_FA).map((value) =>
      el(
        "button",
        {
          type: "button",
          class: `outcome outcome-${value}`,
          "data-status": value,
          "aria-pressed": String(state.statuses.get(match.id) === value),
          onclick: (event) => recordOutcome(match.id, value, event.currentTarget),
        },
        ACTION_FA[value],
      ),
    ),
  );
  return el(
    "article",
    { class: "card result candidate", "data-id": match.id },
    el(
      "header",
      { class: "result-head" },
      el("span", { class: "rank", text: faNumber(match.rank) }),
      el(
        "div",
        { class: "result-title" },
        el("h3", { dir: "auto", text: match.title }),
        el("p", { class: "muted" }, facts.join(" · "), " · ", el("bdi", { text: match.id })),
      ),
      scoreBadge(match.score, best),
    ),
    el("p", { class: "explanation", text: match.explanation }),
    chips("مهارت‌های منطبق", match.matched_skills, "matched"),
    chips("مهارت‌های خواسته‌شده‌ای که ندارد", match.missing_skills, "missing"),
    el("footer", { class: "candidate-foot" }, status, actions),
  );
}

async function loadShortlist() {
  const vacancy = state.vacancy;
  if (!vacancy) return;
  const call = ++state.shortlistCall;
  const params = Object.fromEntries(new FormData(shortlistForm).entries());
  await busy(shortlistButton, "در حال بارگذاری…", async () => {
    try {
      const [shortlist, applications] = await Promise.all([
        api(`/v1/vacancies/${encodeURIComponent(vacancy.id)}/shortlist`, { params }),
        api("/v1/applications", { params: { vacancy_id: vacancy.id } }),
      ]);
      if (call !== state.shortlistCall) return;
      state.statuses = new Map(applications.applications.map((a) => [a.jobseeker_id, a.status]));
      renderCandidates(shortlist.results);
    } catch (error) {
      if (call !== state.shortlistCall) return;
      candidates.replaceChildren();
      notifyError(notices, error);
    }
  });
}

function renderCandidates(matches) {
  if (!matches.length) {
    candidates.replaceChildren();
    notify(notices, "info", "کارجویی با این فیلترها پیدا نشد. فیلترها را کمتر کنید.");
    return;
  }
  clearNotices(notices);
  const best = Math.max(...matches.map((match) => match.score));
  candidates.replaceChildren(
    el("h2", { class: "results-title" }, `${faNumber(matches.length)} نامزد برای «${state.vacancy.title}»`),
    ...matches.map((match) => candidateCard(match, best)),
  );
}

async function recordOutcome(jobseekerId, status, button) {
  const vacancy = state.vacancy;
  const card = button.closest("article");
  await busy(button, "…", async () => {
    try {
      const saved = await api("/v1/applications", {
        method: "POST",
        body: { jobseeker_id: jobseekerId, vacancy_id: vacancy.id, status },
      });
      state.statuses.set(jobseekerId, saved.status);
      const line = card.querySelector(".status");
      line.textContent = statusLine(jobseekerId);
      line.dataset.status = saved.status;
      for (const other of card.querySelectorAll("button.outcome")) {
        other.setAttribute("aria-pressed", String(other.dataset.status === saved.status));
      }
      notify(notices, "success", `نتیجه ثبت شد: ${jobseekerId} — ${STATUS_FA[saved.status]}`);
    } catch (error) {
      notifyError(notices, error);
    }
  });
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  state.offset = 0;
  loadVacancies();
});
prev.addEventListener("click", () => {
  state.offset = Math.max(0, state.offset - PAGE_SIZE);
  loadVacancies();
});
next.addEventListener("click", () => {
  state.offset += PAGE_SIZE;
  loadVacancies();
});
shortlistForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearNotices(notices);
  loadShortlist();
});
document.addEventListener("karyab:key", () => {
  state.offset = 0;
  state.vacancy = null;
  detail.hidden = true;
  shortlistForm.hidden = true;
  candidates.replaceChildren();
  clearNotices(notices);
  loadVacancies();
});

reference()
  .then((lists) => {
    const provinces = sortFa(lists.provinces);
    fillSelect(document.getElementById("vacancy-province"), provinces);
    fillSelect(document.getElementById("sl-province"), provinces);
    fillDatalist(document.getElementById("sl-city-list"), sortFa(lists.cities));
    fillSelect(document.getElementById("sl-education"), lists.educations);
  })
  .catch((error) => notifyError(notices, error));
loadVacancies();
