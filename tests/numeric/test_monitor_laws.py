"""LawMonitor: per-neuron balancedness of ReLU MLPs during training."""

import pytest

from inertia_verify import InvalidArgument
from inertia_verify.numeric import LawMonitor

torch = pytest.importorskip("torch")


def _mlp(bias, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(
        torch.nn.Linear(5, 16, bias=bias), torch.nn.ReLU(), torch.nn.Linear(16, 8, bias=bias),
        torch.nn.ReLU(), torch.nn.Linear(8, 2, bias=bias)).double()


def _drift_after(lr, bias, T=2.0):
    """‖c(T) − c(0)‖ over all hidden neurons after full-batch GD for time T = steps·lr."""
    model = _mlp(bias)
    X, Y = torch.randn(64, 5, dtype=torch.float64), torch.randn(64, 2, dtype=torch.float64)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    laws = LawMonitor(model).attach(opt)
    for _ in range(round(T / lr)):
        opt.zero_grad()
        ((model(X) - Y) ** 2).mean().backward()
        opt.step()
    assert laws.steps == round(T / lr)
    return float(torch.cat(laws.drift()).norm())


@pytest.mark.parametrize("bias", [True, False])
def test_drift_over_fixed_time_halves_with_the_step(bias):
    # One GD step changes c_j by η²(‖g_in‖² − ‖g_out‖²), so over time T the drift is
    # η·∫(‖g_in‖² − ‖g_out‖²)dt + O(η²): the ratio drift(η)/drift(η/2) is 2(1 + O(η)).  At
    # η = 0.02 the O(η) term measures about 1 %; the band 2 ± 0.05 leaves margin and still
    # excludes order 0 (ratio 1) and order 2 (ratio 4).  Round-off (ε·|c|·steps ~ 1e-13) is far
    # below the drifts (~1e-5).
    drifts = [_drift_after(lr, bias) for lr in (0.02, 0.01, 0.005)]
    ratios = [drifts[0] / drifts[1], drifts[1] / drifts[2]]
    assert all(abs(r - 2) < 0.05 for r in ratios), (drifts, ratios)


def test_drift_per_neuron_on_device_and_exact_for_a_rescaling():
    # One hidden layer.  Scaling neuron j's incoming weights (and bias) by s = 2 and its outgoing
    # ones by 1/s moves c_j by (s² − 1)·in_j + (1 − 1/s²)·out_j (exact up to a few roundings:
    # 1e-14 relative) and leaves every other neuron's c exactly unchanged.
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 2)).double()
    laws = LawMonitor(model)
    before = laws.current()[0].clone()
    w_in = model[0].weight[3].detach().pow(2).sum() + model[0].bias[3].detach() ** 2
    w_out = model[2].weight[:, 3].detach().pow(2).sum()
    with torch.no_grad():
        model[0].weight[3] *= 2.0
        model[0].bias[3] *= 2.0
        model[2].weight[:, 3] /= 2.0
    laws.update()
    (drift,) = laws.drift()
    assert drift.dtype == torch.float64 and drift.device == model[0].weight.device
    expected = float(3.0 * w_in + 0.75 * w_out)
    assert float(drift[3]) == pytest.approx(expected, rel=1e-14)
    assert float(torch.cat([drift[:3], drift[4:]]).abs().max()) == 0.0
    assert laws.max_drift() == [0.0, pytest.approx(abs(expected), rel=1e-14)]
    assert laws.history()[1][0][3] == pytest.approx(float(before[3]) + expected, rel=1e-14)


def _attention_drift(lr, bias, T=1.0):
    torch.manual_seed(0)
    attention = torch.nn.MultiheadAttention(6, 2, bias=bias, batch_first=True).double()
    X = torch.randn(8, 5, 6, dtype=torch.float64)
    Y = torch.randn(8, 5, 6, dtype=torch.float64)
    opt = torch.optim.SGD(attention.parameters(), lr=lr)
    laws = LawMonitor(attention).attach(opt)
    for _ in range(round(T / lr)):
        opt.zero_grad()
        ((attention(X, X, X)[0] - Y) ** 2).mean().backward()
        opt.step()
    return [float(d.norm()) for d in laws.drift()]


@pytest.mark.parametrize("bias", [True, False])
def test_attention_laws_drift_halves_with_the_step(bias):
    # The per-head query-key and value-output laws: the same O(η) drift as the neurons' (a
    # wrong reading of the packed weights would not be conserved, and its drift would not
    # shrink with η).  Band 2 ± 0.05 as above; measured within 0.015 of 2.
    drifts = [_attention_drift(lr, bias) for lr in (0.04, 0.02, 0.01)]
    for law in range(2):
        ratios = [drifts[0][law] / drifts[1][law], drifts[1][law] / drifts[2][law]]
        assert all(abs(r - 2) < 0.05 for r in ratios), (law, drifts, ratios)


def test_refusals():
    with pytest.raises(InvalidArgument, match="add_bias_kv"):
        LawMonitor(torch.nn.MultiheadAttention(4, 2, add_bias_kv=True))
    with pytest.raises(InvalidArgument, match="Tanh"):
        LawMonitor(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(),
                                       torch.nn.Linear(3, 1)))
    with pytest.raises(InvalidArgument, match="fewer than two"):
        LawMonitor(torch.nn.Linear(2, 3))
    with pytest.raises(InvalidArgument, match="torch.nn.Module"):
        LawMonitor([1, 2])
