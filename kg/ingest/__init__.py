"""Building a store from articles or from extraction results: joins the
extraction stage and the store (:mod:`kg.ingest.build`,
:mod:`kg.ingest.extracted`)."""
