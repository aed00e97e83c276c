# Two commands do all the set-up: `make demo` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
KG     := $(VENV)/bin/kg
STAMP  := $(VENV)/.installed-stamp
OUT    := out

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,train]'   # train: PyTorch (CPU), so the fine-tuning tests run
	$(PY) -m compileall -q kg   # an editable install leaves kg's bytecode to the first run
	touch $(STAMP)

demo: $(STAMP)
	$(KG) extract seeds --out $(OUT)
	rm -rf $(OUT)/store
	$(KG) build seeds --store $(OUT)/store --quiet
	$(KG) stats --store $(OUT)/store
	$(KG) brokers --store $(OUT)/store --top 5
	$(KG) clusters --store $(OUT)/store
	$(KG) connect 陕西理工大学 清远高新区 --store $(OUT)/store
	$(KG) view --store $(OUT)/store --out $(OUT)/graph.html
	@echo "open $(OUT)/graph.html in a browser to explore the graph"

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)   # every benchmark, one table, bench/RESULTS.md (≈ 10–12 min on 2 cores)
	$(PY) bench/run_all.py

clean:
	rm -rf $(OUT) $(VENV) build *.egg-info
