// The analyst page: a period's headline tables and its charts (PNG images of the API).
import {
  api,
  busy,
  clearNotices,
  el,
  faDigits,
  faNumber,
  faPercent,
  fillSelect,
  notifyError,
  reference,
  sortFa,
} from "./common.js";

const FIRST_YEAR = 1390;
const NATIONAL = "همه"; // the province of the analytics' nationwide rows
const CHARTS = [
  ["top_skills", "مهارت‌های پرتقاضا"],
  ["trends_rising", "روند ماهانهٔ مهارت‌های رو به رشد"],
  ["trends_falling", "روند ماهانهٔ مهارت‌های رو به کاهش"],
  ["emerging", "عبارت‌های نوظهور"],
  ["gaps", "شکاف عرضه و تقاضای مهارت"],
  ["demand_heatmap", "سهم مهارت‌ها به تفکیک استان"],
];

const form = document.getElementById("period-form");
const submit = document.getElementById("period-submit");
const notices = document.getElementById("notice");
const scope = document.getElementById("scope");
const summary = document.getElementById("summary");
const charts = document.getElementById("charts");
const pick = (id) => document.getElementById(id);

let months = [];
let chartUrls = [];
let loadCall = 0; // a newer request (or key) wins over an older answer

function monthFa(month) {
  const [year, number] = String(month || "").split("-").map(Number);
  if (!year || !number || !months[number - 1]) return faDigits(month || "–");
  return `${months[number - 1]} ${faDigits(year)}`;
}

function ratio(value) {
  if (value === null || value === undefined) return "–";
  const digits = Math.abs(value) < 1 ? 2 : Math.abs(value) < 10 ? 1 : 0;
  return `${faNumber(value, digits)} برابر`;
}

function interval(low, high, format) {
  if (low === null || low === undefined || high === null || high === undefined) return "–";
  return `${format(low)} تا ${format(high)}`;
}

/** A titled table of `rows`; each column is [heading, row → text, numeric?]. */
function table(title, note, columns, rows, { wide = false } = {}) {
  const body = rows.length
    ? el(
        "table",
        {},
        el("thead", {}, el("tr", {}, columns.map(([heading]) => el("th", { scope: "col", text: heading })))),
        el(
          "tbody",
          {},
          rows.map((row, index) =>
            el(
              "tr",
              {},
              columns.map(([, value, numeric]) =>
                el("td", { class: numeric ? "num" : null, dir: numeric ? null : "auto" }, value(row, index)),
              ),
            ),
          ),
        ),
      )
    : el("p", { class: "muted empty", text: "داده‌ای برای این بخش نیست." });
  return el(
    "article",
    { class: wide ? "card table-card wide" : "card table-card" },
    el("h2", { text: title }),
    note ? el("p", { class: "muted", text: note }) : null,
    el("div", { class: "table-scroll" }, body),
  );
}

const rank = ["#", (_, index) => faNumber(index + 1), true];
const skill = ["مهارت", (row) => row.label_fa || row.label_en || row.skill_id];

function trendTable(title, rows) {
  return table(title, "نسبت سهم مهارت از آگهی‌ها در دوازده ماه (با بازهٔ ۹۵٪).", [
    rank,
    skill,
    ["نسبت رشد سالانه", (row) => ratio(row.growth), true],
    ["بازهٔ ۹۵٪", (row) => interval(row.growth_low, row.growth_high, (v) => faNumber(v, 2)), true],
    ["آگهی‌ها", (row) => faNumber(row.count), true],
  ], rows);
}

function renderSummary(data) {
  const where = data.scope.province || "کل کشور";
  scope.replaceChildren(
    el(
      "dl",
      { class: "stats" },
      el("div", { class: "stat" }, el("dt", { text: "بازه" }), el("dd", {}, `${monthFa(data.scope.first_month)} تا ${monthFa(data.scope.last_month)}`)),
      el("div", { class: "stat" }, el("dt", { text: "استان" }), el("dd", { text: where })),
      el("div", { class: "stat" }, el("dt", { text: "آگهی‌ها" }), el("dd", { text: faNumber(data.scope.vacancies) })),
      el("div", { class: "stat" }, el("dt", { text: "کارجویان" }), el("dd", { text: faNumber(data.scope.jobseekers) })),
    ),
  );
  scope.hidden = false;
  summary.replaceChildren(
    table("مهارت‌های پرتقاضا", "سهم آگهی‌هایی که مهارت را می‌خواهند (با بازهٔ ۹۵٪).", [
      rank,
      skill,
      ["آگهی‌ها", (row) => faNumber(row.count), true],
      ["سهم", (row) => faPercent(row.share), true],
      ["بازهٔ ۹۵٪", (row) => interval(row.share_low, row.share_high, faPercent), true],
    ], data.top_skills, { wide: true }),
    trendTable("مهارت‌های رو به رشد", data.rising),
    trendTable("مهارت‌های رو به کاهش", data.falling),
    table("عبارت‌های نوظهور", "عبارت‌هایی از آگهی‌ها که در فهرست مهارت‌ها نیستند و رو به افزایش‌اند.", [
      rank,
      ["عبارت", (row) => row.name],
      ["آگهی‌ها", (row) => faNumber(row.count), true],
      ["نخستین ماه", (row) => monthFa(row.first_month), true],
      ["نسبت رشد", (row) => ratio(row.growth), true],
    ], data.emerging, { wide: true }),
    table("بزرگ‌ترین شکاف‌های مهارتی", "سهم مهارت در آگهی‌ها منهای سهم آن در کارجویان همان گروه شغلی و استان.", [
      rank,
      skill,
      ["گروه شغلی", (row) => row.isco_group_fa || row.isco_group || "–"],
      ["استان", (row) => (!row.province || row.province === NATIONAL ? "کل کشور" : row.province)],
      ["سهم در آگهی‌ها", (row) => faPercent(row.demand_share), true],
      ["سهم در کارجویان", (row) => faPercent(row.supply_share), true],
      ["شکاف", (row) => faPercent(row.gap), true],
      ["دوره‌های پیشنهادی", (row) => faDigits(row.courses || "–")],
    ], data.gaps, { wide: true }),
  );
}

async function loadChart(name, params, image, figure) {
  try {
    const blob = await api(`/v1/analytics/charts/${name}`, { params, as: "blob" });
    const url = URL.createObjectURL(blob);
    chartUrls.push(url);
    image.src = url;
    await image.decode();
    figure.classList.remove("loading");
  } catch (error) {
    figure.classList.remove("loading");
    const box = el("div", { class: "notices" });
    notifyError(box, error);
    image.replaceWith(box);
  }
}

function renderCharts(params) {
  for (const url of chartUrls) URL.revokeObjectURL(url);
  chartUrls = [];
  const loads = [];
  const figures = CHARTS.map(([name, caption]) => {
    const image = el("img", { alt: caption, "data-chart": name, width: 1200 });
    // The chart draws its own title; alt carries it for screen readers.
    const figure = el("figure", { class: "card chart loading", "data-chart": name }, image);
    loads.push(() => loadChart(name, params, image, figure));
    return figure;
  });
  charts.replaceChildren(el("h2", { class: "section-title", text: "نمودارها" }), ...figures);
  // Two at a time: each chart is drawn on the server, and one report feeds them all.
  const queue = [...loads];
  const worker = async () => {
    while (queue.length) await queue.shift()();
  };
  return Promise.all([worker(), worker()]);
}

function period(prefix) {
  const month = String(pick(`${prefix}-month`).value).padStart(2, "0");
  return `${pick(`${prefix}-year`).value}-${month}`;
}

async function load() {
  const call = ++loadCall;
  clearNotices(notices);
  const params = { from: period("from"), to: period("to"), province: pick("an-province").value };
  await busy(submit, "در حال بارگذاری…", async () => {
    try {
      const data = await api("/v1/analytics/summary", { params: { ...params, limit: 10 } });
      if (call !== loadCall) return;
      renderSummary(data);
    } catch (error) {
      if (call !== loadCall) return;
      scope.hidden = true;
      summary.replaceChildren();
      charts.replaceChildren();
      notifyError(notices, error);
      return;
    }
    await renderCharts(params);
  });
}

function fillPeriod(lists) {
  months = lists.months;
  const lastYear = Number(lists.this_month.slice(0, 4));
  const years = [];
  for (let year = lastYear; year >= FIRST_YEAR; year -= 1) {
    years.push({ value: String(year), label: faDigits(year) });
  }
  const monthOptions = months.map((name, index) => ({ value: String(index + 1), label: name }));
  for (const prefix of ["from", "to"]) {
    fillSelect(pick(`${prefix}-year`), years);
    fillSelect(pick(`${prefix}-month`), monthOptions);
  }
  const [fromYear, fromMonth] = lists.period.first.split("-").map(Number);
  const [toYear, toMonth] = lists.period.last.split("-").map(Number);
  pick("from-year").value = String(fromYear);
  pick("from-month").value = String(fromMonth);
  pick("to-year").value = String(toYear);
  pick("to-month").value = String(toMonth);
  fillSelect(pick("an-province"), sortFa(lists.provinces));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
document.addEventListener("karyab:key", () => {
  if (months.length) load(); // before the pickers are filled, the first load is still to come
});

reference()
  .then((lists) => {
    fillPeriod(lists);
    return load();
  })
  .catch((error) => notifyError(notices, error));
