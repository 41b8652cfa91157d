"""Fleet scan: grade every repository of a list (an organisation, a ministry, the State's public code)
and aggregate the grades into `fleet.json` and a self-contained HTML dashboard.

The core (runner.py, task.py) depends on `concurrent.futures` only: a process pool on one machine, or
Dask distributed (`pip install sondier[fleet]`) through `Client.get_executor()` for an embedded local
cluster or a real one. Each task is one repository (or a batch of ten on long lists): clone or open,
scan with the ordinary pipeline, grade with `sondier.grade`, write one result file. Result files make
the run resumable: a repository already graded at the same commit by the same method is skipped."""
