from django.apps import AppConfig


class CandidatesConfig(AppConfig):
    name = "acquis.candidates"
    label = "candidates"
    verbose_name = "Candidats et candidatures"

    def ready(self):
        from acquis.candidates.models import Candidacy
        from acquis.referential.usage import register_usage_check

        # A referential version with candidacies registered on it is frozen for good.
        register_usage_check(lambda version: Candidacy.objects.filter(version=version).exists())
