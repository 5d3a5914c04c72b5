"""gridsweep's activations as PyTorch computes them (torch 1.13), by the
names `--act` takes: the one table torch_agree.py and torch_agree64.py train
with. Import it once torch is known to be there (the scripts skip, exit 77,
without it)."""
import torch
import torch.nn.functional as F

ACTS = {
    "identity": lambda z: z,
    "relu": F.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": F.elu,
    "selu": F.selu,
    "celu": lambda z: F.celu(z, 1.0),
    "softplus": F.softplus,
    "gelu": F.gelu,
    "gelu_tanh": lambda z: F.gelu(z, approximate="tanh"),
    "silu": F.silu,
    "mish": F.mish,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softsign": F.softsign,
    "hardtanh": F.hardtanh,
}
