"""The contracts app's navigation (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
