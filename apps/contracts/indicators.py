"""The contracts app's indicators (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
