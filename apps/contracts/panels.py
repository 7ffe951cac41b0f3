"""The contracts app's panels (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
