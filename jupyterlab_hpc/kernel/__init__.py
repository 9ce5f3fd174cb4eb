"""Code that runs in an IPython kernel (``%load_ext jupyterlab_hpc``): the magics, their thin
client of the companion's REST API, the rich displays of what they return, and the kernel side
of the Lab comm. Slurm work and set bookkeeping happen in the companion, behind its routes."""
