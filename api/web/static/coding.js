// The coding page: a person codes the titles the occupation coder was unsure of (the review
// queue) or checks a sample of those it coded; an administrator sets the auto-coding cut
// from those checks and codes the stored records again.
import { api, busy, clearNotices, el, faDigits, faNumber, faPercent, notify, notifyError } from "./common.js";

const notices = document.getElementById("notice");
const form = document.getElementById("coding-form");
const loadButton = document.getElementById("coding-load");
const items = document.getElementById("coding-items");
const countLine = document.getElementById("coding-count");
const qualityFacts = document.getElementById("quality-facts");
const recodeLine = document.getElementById("recode-state");

const KIND_FA = { vacancy: "آگهی", jobseeker: "کارجو" };
const SOURCE_FA = { coder: "آموزش کدگذار", checks: "بررسی‌های کارشناسان" };
const RECODE_STATE_FA = {
  running: "در حال اجرا",
  done: "پایان یافت",
  stopped: "با خاموش شدن سرویس نیمه‌کاره ماند؛ دوباره اجرا کنید",
  failed: "ناموفق",
};
const state = { call: 0, list: "queue", polling: false };

/** Latin digits for a code typed with Persian or Arabic ones («۷۵۳۱» → "7531"). */
function latinDigits(text) {
  return text
    .trim()
    .replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String("٠١٢٣٤٥٦٧٨٩".indexOf(d)));
}

async function loadItems() {
  const call = ++state.call;
  state.list = document.getElementById("coding-list-kind").value;
  const params = { kind: document.getElementById("coding-kind").value, limit: 50 };
  clearNotices(notices);
  items.setAttribute("aria-busy", "true");
  try {
    const data = await api(`/v1/occupations/${state.list}`, { params });
    if (call !== state.call) return;
    renderItems(data.items);
  } catch (error) {
    if (call !== state.call) return;
    items.replaceChildren();
    countLine.textContent = "";
    notifyError(notices, error);
  } finally {
    if (call === state.call) items.removeAttribute("aria-busy");
  }
}

function renderItems(list) {
  if (!list.length) {
    countLine.textContent =
      state.list === "queue" ? "عنوانی در صف بررسی نیست." : "عنوان کدگذاری‌شده‌ای برای نمونه نیست.";
    items.replaceChildren();
    return;
  }
  countLine.textContent = `${faNumber(list.length)} عنوان`;
  items.replaceChildren(...list.map(renderItem));
}

function renderItem(item) {
  const byKind = Object.entries(item.counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${faNumber(n)} ${KIND_FA[kind] || kind}`)
    .join("، ");
  const status = el("p", { class: "coding-status", role: "status" });
  const codeInput = el("input", {
    name: "code",
    inputmode: "numeric",
    maxlength: 4,
    dir: "ltr",
    placeholder: "مثلاً ۷۵۳۱",
    "aria-label": `کد چهاررقمی برای «${item.title}»`,
  });
  const card = el("article", { class: "card coding-item", "data-key": item.title_key });
  const settle = () => {
    card.classList.add("coding-done");
    for (const control of card.querySelectorAll("button, input")) control.disabled = true;
  };
  const decide = async (code, button) => {
    let done = null;
    await busy(button, "در حال ثبت…", async () => {
      try {
        done = await api("/v1/occupations/decisions", {
          method: "POST",
          body: { title: item.title, code },
        });
      } catch (error) {
        status.className = "coding-status coding-error";
        if (error.code === "invalid_decision") {
          status.textContent = `کد «${faDigits(code)}» در ISCO-08 نیست؛ یک گروه واحد چهاررقمی بنویسید.`;
        } else {
          status.textContent = "ثبت نشد.";
          notifyError(notices, error);
        }
      }
    });
    if (done === null) return;
    const coded = Object.values(done.recoded).reduce((sum, n) => sum + n, 0);
    status.className = "coding-status coding-ok";
    status.textContent =
      `کد ${faDigits(done.code)} (${done.title_fa}) ثبت شد؛ ` +
      (coded ? `${faNumber(coded)} پرونده کد گرفت.` : "پرونده‌های بعدی با این عنوان همین کد را می‌گیرند.");
    settle(); // after busy(), which enables its button again
  };
  const candidates = item.occupations.map((occupation, index) =>
    el(
      "button",
      {
        type: "button",
        class: index === 0 && state.list === "checks" ? "code-choice primary" : "code-choice",
        title: occupation.title_en,
        onclick: (event) => decide(occupation.code, event.currentTarget),
      },
      el("span", { class: "code-choice-code", dir: "ltr", text: occupation.code }),
      el("span", { class: "code-choice-title", text: occupation.title_fa }),
    ),
  );
  const own = el(
    "form",
    {
      class: "coding-own",
      onsubmit: (event) => {
        event.preventDefault();
        const code = latinDigits(codeInput.value);
        if (!/^[0-9]{4}$/.test(code)) {
          status.className = "coding-status coding-error";
          status.textContent = "کد باید چهار رقم باشد (گروه واحد ISCO-08).";
          return;
        }
        decide(code, event.currentTarget.querySelector("button"));
      },
    },
    codeInput,
    el("button", { type: "submit", text: "ثبت این کد" }),
  );
  card.append(
    el(
      "div",
      { class: "result-head" },
      el("h3", { class: "result-title", dir: "auto", text: item.title }),
      el("span", { class: "muted", text: byKind }),
    ),
    el(
      "p",
      { class: "muted" },
      state.list === "queue"
        ? `اطمینان کدگذار: ${faPercent(item.confidence)}. پیشنهادهای کدگذار:`
        : `کدگذار با اطمینان ${faPercent(item.confidence)} کد نخست را داده است؛ درستی آن را تأیید یا اصلاح کنید:`,
    ),
    el("div", { class: "code-choices" }, candidates),
    own,
    status,
  );
  return card;
}

function fact(term, value) {
  return el("div", { class: "fact" }, el("dt", { text: term }), el("dd", { text: value }));
}

async function loadQuality() {
  try {
    const quality = await api("/v1/occupations/quality");
    const cut = quality.in_use;
    const error =
      cut.error === null
        ? "–"
        : `${faPercent(cut.error)} (بازهٔ ۹۵٪: ${faPercent(cut.error_interval[0])} تا ${faPercent(cut.error_interval[1])})`;
    qualityFacts.replaceChildren(
      fact("خطای هدف", faPercent(quality.target_error)),
      fact("عنوان‌های بررسی‌شده", faNumber(quality.checks)),
      fact("آستانهٔ کدگذاری خودکار", `${faNumber(cut.threshold, 3)} (از ${SOURCE_FA[quality.source]})`),
      fact("بررسی‌شده‌های بالای آستانه", `${faNumber(cut.auto_coded)} (${faPercent(cut.share)})`),
      fact("خطای کدگذار روی آن‌ها", error),
      fact(
        "آستانهٔ پیشنهادی",
        quality.proposed
          ? `${faNumber(quality.proposed.threshold, 3)}: ${faPercent(quality.proposed.share)} خودکار`
          : "بررسی‌ها هنوز برای پیشنهاد کم است",
      ),
    );
  } catch (error) {
    qualityFacts.replaceChildren(fact("وضعیت", "در دسترس نیست"));
    notifyError(notices, error);
  }
}

function showRecode(job) {
  const counts = Object.entries(job.counts)
    .map(
      ([kind, c]) =>
        `${KIND_FA[kind] || kind}: ${faNumber(c.checked)} خوانده، ${faNumber(c.coded)} کد گرفت، ` +
        `${faNumber(c.uncoded)} به صف رفت، ${faNumber(c.recoded)} کد دیگر`,
    )
    .join(" · ");
  recodeLine.textContent =
    `کدگذاری دوبارهٔ شمارهٔ ${faNumber(job.id)}: ${RECODE_STATE_FA[job.state] || job.state}` +
    (counts ? ` — ${counts}` : "");
}

async function followRecode() {
  if (state.polling) return;
  state.polling = true;
  try {
    for (;;) {
      const job = await api("/v1/occupations/recode");
      showRecode(job);
      if (job.state !== "running") break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } catch (error) {
    if (error.status !== 404 && error.status !== 403) notifyError(notices, error);
  } finally {
    state.polling = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  busy(loadButton, "در حال بارگذاری…", loadItems);
});
document.getElementById("quality-refresh").addEventListener("click", (event) => {
  busy(event.currentTarget, "در حال بارگذاری…", loadQuality);
});
document.getElementById("threshold-apply").addEventListener("click", (event) => {
  busy(event.currentTarget, "در حال اعمال…", async () => {
    try {
      await api("/v1/occupations/threshold", { method: "PUT", body: {} });
      notify(notices, "success", "آستانهٔ پیشنهادی برای پرونده‌های بعدی اعمال شد. برای پرونده‌های ثبت‌شده «کدگذاری دوباره» را بزنید.");
      await loadQuality();
    } catch (error) {
      if (error.code === "too_few_checks") notify(notices, "error", "بررسی‌ها هنوز برای تعیین آستانه کم است.", error.detail);
      else notifyError(notices, error);
    }
  });
});
document.getElementById("recode-start").addEventListener("click", (event) => {
  busy(event.currentTarget, "در حال آغاز…", async () => {
    try {
      showRecode(await api("/v1/occupations/recode", { method: "POST", body: {} }));
    } catch (error) {
      if (error.code !== "recode_running") {
        notifyError(notices, error);
        return;
      }
    }
    await followRecode();
  });
});
document.addEventListener("karyab:key", () => {
  loadQuality();
  loadItems();
  followRecode();
});

loadQuality();
loadItems();
followRecode();
