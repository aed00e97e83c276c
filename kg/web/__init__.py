"""The web interface of ``kg serve``: the application and its JSON API
(:mod:`kg.web.app`), the SPARQL 1.1 Protocol endpoint (:mod:`kg.web.endpoint`)
and the self-contained viewer page (:mod:`kg.web.viewer`)."""
