"""The right of appeal against a jury decision, stated in every decision letter and email.

French administrative practice wants a decision to say how to contest it (voies et délais
de recours): to whom, how, within what time. The source referential says nothing about
appeals, so it is the certifier's own procedure: the referential file's `rules.appeal`
(`authority`, `how`, `delay_months`), a new version of the file when it changes. Without it
the letter names the certifier, a written appeal (recorded delivery advised) and 2 months,
the usual time to contest a decision.
"""

APPEAL_DELAY_MONTHS = 2  # the usual time to contest a decision, when the referential is silent


def appeal_data(version, certifier_name: str, *, notice: str = "cette lettre") -> dict:
    """The right of appeal every letter states, whatever the decision: the referential's
    `rules.appeal` (the certifier's practice: the source says nothing about appeals), or by
    default a written appeal to the certifier within 2 months."""
    rules = (version.rules or {}).get("appeal") or {}
    authority = rules.get("authority") or f"l'organisme certificateur, {certifier_name}"
    how = rules.get("how") or (
        "par écrit, de préférence par lettre recommandée avec accusé de réception, en exposant "
        "les motifs de votre contestation"
    )
    months = int(rules.get("delay_months") or APPEAL_DELAY_MONTHS)
    return {
        "authority": authority,
        "how": how,
        "delay_months": months,
        "sentence": (
            "Si vous souhaitez contester cette décision, vous pouvez former un recours auprès "
            f"de {authority}, {how}, dans un délai de {months} mois à compter de la réception "
            f"de {notice}."
        ),
    }
