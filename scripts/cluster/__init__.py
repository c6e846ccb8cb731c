"""The API as many instances on this machine: `make cluster`, `make cluster-down`, `make scale-test`."""
