"""Identity checks for the national declaration (CDC accrochage, formats.md §2 titulaire)."""

import re
from datetime import date

from acquis.candidates.enums import Sex

# INSEE commune code: 2 digits (or 2A/2B for Corsica) then 3 digits; 99xxx = foreign country.
INSEE_RE = re.compile(r"^(?:\d{2}|2[AB])\d{3}$")
# Letters of any alphabet (Kovačević, Yılmaz...), with spaces, hyphens and apostrophes.
NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '’-]+[^\W\d_]+)*[ ]*$")
LABELS = {
    "birth_name": "nom de naissance",
    "usage_name": "nom d'usage",
    "first_name": "premier prénom",
    "first_name_2": "deuxième prénom",
    "first_name_3": "troisième prénom",
    "sex": "sexe",
    "birth_date": "date de naissance",
    "birth_insee_code": "code INSEE de naissance",
    "birth_city": "commune de naissance",
    "birth_country": "pays de naissance",
    "email": "adresse électronique",
}
REQUIRED = ("birth_name", "first_name", "sex", "birth_date")
# A French number: 10 digits starting with 0 (spaces, dots or hyphens between groups); or an
# international one: "+" (or "00") and 8 to 15 digits (ITU-T E.164), separators allowed.
PHONE_FR_RE = re.compile(r"^0[1-9](?:[ .-]?\d{2}){4}$")
PHONE_INTL_RE = re.compile(r"^(?:\+|00)[1-9][\d .()-]{6,20}$")
# A French postal code is 5 digits; a foreign one (the address is abroad) has 3 to 10
# letters, digits, spaces or hyphens and at least one digit (SW1A 1AA, D02 X285, 1000).
PHONE_MAX, POSTAL_MAX = 20, 10  # Candidate.phone, Candidate.postal_code
POSTAL_FR_RE = re.compile(r"^\d{5}$")
POSTAL_INTL_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9 -]{1,8}[A-Za-z0-9]$")
MAX_LENGTHS = {
    "birth_name": 60,
    "usage_name": 60,
    "first_name": 60,
    "first_name_2": 60,
    "first_name_3": 60,
    "birth_city": 60,
    "birth_country": 60,
}


def validate_identity(data: dict, *, today: date | None = None) -> dict[str, str]:
    """Field → French error message; empty when the identity can be declared."""
    today = today or date.today()  # noqa: DTZ011 - a calendar date in the local zone
    errors: dict[str, str] = {}
    for field in REQUIRED:
        if data.get(field) in (None, ""):
            errors[field] = f"Le champ « {LABELS[field]} » est obligatoire."
    for field, limit in MAX_LENGTHS.items():
        value = data.get(field) or ""
        if len(value) > limit:
            errors[field] = f"« {LABELS[field]} » : {limit} caractères au plus."
        elif (
            value
            and field != "birth_city"
            and field != "birth_country"
            and not NAME_RE.match(value)
        ):
            errors[field] = (
                f"« {LABELS[field]} » : lettres, espaces, tirets ou apostrophes seulement."
            )
    if data.get("first_name_3") and not data.get("first_name_2"):
        errors["first_name_3"] = "Indiquez le deuxième prénom avant le troisième."
    sex = data.get("sex")
    if sex and sex not in Sex.values:
        errors["sex"] = "Le sexe vaut M ou F (valeurs de la déclaration nationale)."
    birth_date = data.get("birth_date")
    if birth_date and not isinstance(birth_date, date):
        errors["birth_date"] = "Date de naissance invalide (format JJ/MM/AAAA)."
    elif isinstance(birth_date, date):
        if birth_date.year < 1900:
            errors["birth_date"] = "La date de naissance doit être postérieure à 1900."
        elif birth_date >= today:
            errors["birth_date"] = "La date de naissance doit être passée."
        elif (today - birth_date).days < 14 * 365:
            errors["birth_date"] = (
                "Le candidat aurait moins de 14 ans : vérifiez la date de naissance."
            )
    code = (data.get("birth_insee_code") or "").strip().upper()
    if code and not INSEE_RE.match(code):
        errors["birth_insee_code"] = (
            "Le code INSEE de naissance compte 5 caractères (ex. 69123, 2A004, ou 99xxx pour un "
            "pays étranger) ; ce n'est pas le code postal."
        )
    if not code and not (data.get("birth_country") or "").strip():
        errors["birth_insee_code"] = (
            "Indiquez le code INSEE de la commune de naissance, ou le pays de naissance."
        )
    errors.update(validate_contact(data))
    return errors


def validate_contact(data: dict) -> dict[str, str]:
    """Phone and postal code: French formats, or international ones written as such. A value
    longer than its column is left to the length rule, which says so."""
    errors = {}
    phone = (data.get("phone") or "").strip()
    valid_phone = PHONE_FR_RE.match(phone) or _international_phone(phone)
    if phone and len(phone) <= PHONE_MAX and not valid_phone:
        errors["phone"] = (
            "Téléphone : 10 chiffres commençant par 0 (ex. 04 72 00 00 00), ou un numéro "
            "international commençant par + (ex. +32 2 123 45 67)."
        )
    postal = (data.get("postal_code") or "").strip()
    valid_postal = POSTAL_FR_RE.match(postal) or _foreign_postal_code(postal)
    if postal and len(postal) <= POSTAL_MAX and not valid_postal:
        errors["postal_code"] = (
            "Code postal : 5 chiffres en France (ex. 69003) ; pour une adresse à l'étranger, "
            "le code du pays (chiffres et lettres, ex. SW1A 1AA)."
        )
    return errors


def _international_phone(phone: str) -> bool:
    if not PHONE_INTL_RE.match(phone):
        return False
    digits = sum(c.isdigit() for c in phone) - (2 if phone.startswith("00") else 0)
    return 8 <= digits <= 15


def _foreign_postal_code(postal: str) -> bool:
    if postal.isdigit():  # five digits are a French code, checked as such
        return len(postal) in (3, 4, 6)
    return bool(POSTAL_INTL_RE.match(postal))
