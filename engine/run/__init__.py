"""The run process: started with multiprocessing ``spawn`` by :mod:`engine.session.session`.

Everything here runs inside that process (worker, the measured loop, measurement, data,
models, quantization, checkpoints) and it is the only package that imports torch. The
process boundary is :func:`engine.run.worker.serve`; it imports the loop (and torch) only
once it runs in the spawned process.
"""
