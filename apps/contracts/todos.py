"""The contracts app's todos (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
