"""The API version gate: breaking-change detection against published specs, and spec releases."""
