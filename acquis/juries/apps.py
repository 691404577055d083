from django.apps import AppConfig


class JuriesConfig(AppConfig):
    name = "acquis.juries"
    label = "juries"
    verbose_name = "Jurys de certification"

    def ready(self) -> None:
        from acquis.candidates.hooks import register_jury_prerequisites
        from acquis.juries.prerequisites import missing_for_jury

        # "Présenter au jury" refuses a candidacy without the evidence its title needs.
        register_jury_prerequisites(missing_for_jury)
