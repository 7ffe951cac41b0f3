"""The contracts app's global_search (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
