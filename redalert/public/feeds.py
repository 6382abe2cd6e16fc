"""Atom feed of public cases (to be written)."""

from django.contrib.syndication.views import Feed


class MissingFeed(Feed):
    title = "Se busca"
    link = "/"

    def items(self) -> list[object]:
        return []
