"""The needs app's API, one router per topic (each module's ``router``)."""
