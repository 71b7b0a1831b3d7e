// Shared by every page: the API key box, calls to the /v1 API, Persian numbers and notices.
// Text from the server is always set as textContent, never parsed as HTML.

const KEY_STORAGE = "karyab.apiKey";

const numbers = new Map();

/** A number in Persian digits with `digits` decimals («۱۲٬۳۴۵»، «۰٫۸۳»); «–» when missing. */
export function faNumber(value, digits = 0) {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return "–";
  if (!numbers.has(digits)) {
    numbers.set(
      digits,
      new Intl.NumberFormat("fa-IR", { minimumFractionDigits: digits, maximumFractionDigits: digits }),
    );
  }
  return numbers.get(digits).format(Number(value));
}

/** A share in [0, 1] as a Persian percentage: 0.234 → «۲۳٫۴٪». */
export function faPercent(share, digits = 1) {
  if (share === null || share === undefined || !Number.isFinite(Number(share))) return "–";
  return `${faNumber(Number(share) * 100, digits)}٪`;
}

/** Latin digits in a string («1402-01») as Persian ones («۱۴۰۲-۰۱»). */
export function faDigits(text) {
  return String(text).replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]);
}

/** Sort Persian names by the Persian alphabet (code points put پ چ ژ گ last). */
export function sortFa(names) {
  const collator = new Intl.Collator("fa");
  return [...names].sort(collator.compare);
}

/** A DOM element: el("p", {class: "x"}, "text", child, …). Strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function getKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

/** An error answer of the API, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(detail || code);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/**
 * Call the API: `params` become the query string (empty values left out), `body` is sent as
 * JSON. Resolves to the parsed JSON (or a Blob with `as: "blob"`); rejects with ApiError.
 */
export async function api(path, { method = "GET", params, body, as = "json" } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && String(value).trim() !== "") {
      url.searchParams.set(name, String(value).trim());
    }
  }
  const headers = { Accept: as === "blob" ? "image/png" : "application/json" };
  const key = getKey();
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, "network", String(error && error.message ? error.message : error));
  }
  if (!response.ok) {
    let payload = {};
    try {
      payload = await response.json();
    } catch {
      // not JSON (a proxy's error page): the status alone tells what happened
    }
    throw new ApiError(response.status, payload.error || "http_error", payload.message || "");
  }
  return as === "blob" ? response.blob() : response.json();
}

const BY_CODE = {
  network: "ارتباط با سرور برقرار نشد. اتصال را بررسی کنید و دوباره تلاش کنید.",
  unauthenticated:
    "کلید دسترسی فرستاده نشده یا معتبر نیست. کلید خود را در کادر «کلید دسترسی» بالای صفحه وارد کنید.",
  forbidden: "این کلید دسترسی اجازهٔ این کار را ندارد.",
  not_found: "موردی با این مشخصات پیدا نشد.",
  unknown_province: "برای این استان آگهی یا کارجویی ثبت نشده است.",
  invalid_period: "بازهٔ زمانی درست نیست: ماه آغاز باید پیش از ماه پایان یا همان ماه باشد.",
  invalid_request: "درخواست درست نیست. ورودی‌ها را بررسی کنید.",
  invalid_record: "اطلاعات فرستاده‌شده پذیرفته نشد. ورودی‌ها را بررسی کنید.",
  invalid_encoding: "متن فرستاده‌شده با کدگذاری درست (UTF-8) نیست.",
  payload_too_large: "متن فرستاده‌شده از اندازهٔ مجاز بزرگ‌تر است.",
  rate_limited: "شمار درخواست‌ها از حد مجاز گذشته است؛ یک دقیقهٔ دیگر دوباره تلاش کنید.",
  store_unavailable: "پایگاه داده موقتاً در دسترس نیست؛ کمی بعد دوباره تلاش کنید.",
};
const BY_STATUS = {
  401: BY_CODE.unauthenticated,
  403: BY_CODE.forbidden,
  404: BY_CODE.not_found,
  413: BY_CODE.payload_too_large,
  422: BY_CODE.invalid_request,
  429: BY_CODE.rate_limited,
  503: BY_CODE.store_unavailable,
};

/** The Persian sentence for an error of `api` (or any other thrown value). */
export function errorText(error) {
  if (!(error instanceof ApiError)) return "خطای پیش‌بینی‌نشده‌ای رخ داد. صفحه را دوباره بارگذاری کنید.";
  return (
    BY_CODE[error.code] ||
    BY_STATUS[error.status] ||
    `سرور درخواست را انجام نداد (کد ${faNumber(error.status)}).`
  );
}

/** Replace the notices in `box` with one of `kind` ("error", "success" or "info"). */
export function notify(box, kind, text, detail = "") {
  box.replaceChildren(
    el(
      "div",
      { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
      el("p", { class: "notice-text", text }),
      detail ? el("p", { class: "notice-detail", dir: "auto" }, `جزئیات: ${detail}`) : null,
    ),
  );
}

export function notifyError(box, error) {
  if (!(error instanceof ApiError)) console.error(error); // a bug in the page, not the API
  notify(box, "error", errorText(error), error instanceof ApiError ? error.detail : "");
}

export function clearNotices(box) {
  box.replaceChildren();
}

/** Disable `button` while `work` runs (or several overlapping ones), with a busy label. */
export async function busy(button, label, work) {
  if (!button.dataset.idleLabel) button.dataset.idleLabel = button.textContent;
  button.dataset.busyCount = String(Number(button.dataset.busyCount || 0) + 1);
  button.disabled = true;
  button.textContent = label;
  button.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    const left = Number(button.dataset.busyCount) - 1;
    button.dataset.busyCount = String(left);
    if (left === 0) {
      button.disabled = false;
      button.textContent = button.dataset.idleLabel;
      button.removeAttribute("aria-busy");
    }
  }
}

let referencePromise = null;

/** The pickers' lists (provinces, cities, education levels, months), fetched once a page. */
export function reference() {
  if (!referencePromise) {
    referencePromise = fetch("/ui/reference.json").then((response) => {
      if (!response.ok) throw new ApiError(response.status, "http_error", "");
      return response.json();
    });
  }
  return referencePromise;
}

/** Fill a <select> with options, after its "any" option (value "") if it has one. */
export function fillSelect(select, options) {
  const keep = select.querySelector('option[value=""]');
  select.replaceChildren(...(keep ? [keep] : []));
  for (const option of options) {
    const value = typeof option === "string" ? option : option.value;
    const label = typeof option === "string" ? option : option.label;
    select.append(el("option", { value }, label));
  }
}

export function fillDatalist(list, values) {
  list.replaceChildren(...values.map((value) => el("option", { value })));
}

export const EDUCATION_FA = {
  below_diploma: "زیر دیپلم",
  diploma: "دیپلم",
  associate: "کاردانی",
  bachelor: "کارشناسی",
  master: "کارشناسی ارشد",
  doctorate: "دکتری",
};

/** «شیراز، فارس», or «نامشخص» when neither is known. */
export function place(city, province) {
  const parts = [...new Set([city, province].filter(Boolean))];
  return parts.length ? parts.join("، ") : "مکان نامشخص";
}

/** A row of skill chips under a heading, or nothing when there are none. */
export function chips(title, skills, kind) {
  if (!skills || !skills.length) return null;
  return el(
    "div",
    { class: `chips chips-${kind}` },
    el("span", { class: "chips-title", text: title }),
    el("ul", {}, skills.map((skill) => el("li", { class: `chip chip-${kind}`, dir: "auto" }, skill))),
  );
}

/** The score as a bar and a number; scores compare within one list only. */
export function scoreBadge(score, best) {
  const fraction = best > 0 ? Math.max(0.04, Math.min(1, score / best)) : 0;
  const bar = el("span", { class: "score-bar" }, el("span", { class: "score-fill" }));
  bar.firstChild.style.inlineSize = `${Math.round(fraction * 100)}%`;
  return el(
    "div",
    { class: "score", title: "امتیاز شباهت؛ فقط در همین فهرست قابل مقایسه است" },
    el("span", { class: "score-label", text: "امتیاز" }),
    bar,
    el("span", { class: "score-value", text: faNumber(score, 2) }),
  );
}

function initKeyBox() {
  const form = document.getElementById("key-form");
  if (!form) return;
  const input = document.getElementById("api-key");
  const state = document.getElementById("key-state");
  const show = () => {
    const has = Boolean(getKey());
    state.textContent = has ? "کلید ذخیره شده است" : "بدون کلید";
    state.classList.toggle("key-on", has);
    input.value = getKey();
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    show();
    document.dispatchEvent(new CustomEvent("karyab:key"));
  });
  document.getElementById("key-clear").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    show();
    document.dispatchEvent(new CustomEvent("karyab:key"));
  });
  show();
}

initKeyBox();
