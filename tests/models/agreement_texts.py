"""Mixed Persian and English texts for the converter agreement test (written for it)."""

from __future__ import annotations

import itertools

_ROLES = [
    "برنامه‌نویس Python",
    "توسعه‌دهنده فرانت‌اند React",
    "حسابدار مسلط به نرم‌افزار سپیدار",
    "راننده پایه یک کامیون",
    "کارشناس فروش و بازاریابی",
    "منشی و مسئول دفتر",
    "انباردار با تجربه",
    "تکنسین تعمیرات برق صنعتی",
    "پرستار بخش ICU",
    "Senior .NET developer (C#, ASP.NET Core)",
    "Data analyst with SQL and Power BI",
    "گرافیست مسلط به Photoshop و Illustrator",
    "مهندس عمران با پروانه نظام مهندسی",
    "صندوقدار فروشگاه زنجیره‌ای",
    "نیروی خدماتی (آقا)",
    "كارشناس منابع انساني",  # Arabic yeh and kaf on purpose
]
_CONTEXTS = [
    "{role}",
    "استخدام {role} در تهران",
    "{role} با ۳ سال سابقه کار",
    "نیازمند {role} - تمام وقت، بیمه و ناهار",
    "I am a {role} looking for a job in Isfahan",
    "رزومه: {role}؛ آشنایی با Excel و ICDL؛ مدرک کارشناسی",
    "{role} می‌توانم سریع یاد بگیرم و تیمی کار کنم",
    "We are hiring: {role}. Salary 25,000,000 تومان",
    "سوابق کاری: ۵ سال {role} در شرکت‌های معتبر شیراز و مشهد",
    "{role}\n- کار با نرم‌افزارهای اداری\n- روابط عمومی بالا\n- ساکن کرج",
    "خانم/آقا {role} جهت همکاری در شعبه تبریز",
    "Looking for {role}; remote دورکاری possible, 2 years experience",
    "{role} – حقوق توافقی – ساعت کاری 8 الی 17",
]


def agreement_texts() -> list[str]:
    texts = [c.format(role=r) for c, r in itertools.product(_CONTEXTS, _ROLES)]
    return texts  # 13 x 16 = 208 texts
