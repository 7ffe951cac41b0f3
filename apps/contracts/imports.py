"""The contracts app's imports (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
