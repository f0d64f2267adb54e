"""InertiaMonitor on PyTorch: an attached SGD, tensors in update(), and the refusals.

The reference is always the NumPy monitor fed host copies of the same trajectory.  Tolerances:
in float64 the buffer-read step −lr·b differs from the parameters' actual difference by the
rounding of θ + (−lr·b), ε‖θ‖ against ‖Δθ‖ ~ 1e-3‖θ‖ here, so ~1e-13 relative in ½‖v‖²; the
records are compared at 1e-10 relative (plus 1e-13 absolute for quantities that pass through 0).
"""

import subprocess
import sys

import numpy as np
import pytest

from inertia_verify import InvalidArgument
from inertia_verify.numeric import InertiaMonitor

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-10, 1e-13


def _problem(dtype=torch.float64, seed=0, bias=True, hidden=10):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, hidden, bias=bias), torch.nn.Tanh(),
                                torch.nn.Linear(hidden, 2, bias=bias)).to(dtype)
    X = torch.randn(128, 6, dtype=dtype)
    Y = torch.randn(128, 2, dtype=dtype)
    return model, X, Y


def _run(optimizer_kwargs, steps=60, *, order="before", use_buffer=None, scheduler=None,
         dtype=torch.float64, reference_lr=None, hidden=10):
    """Train with an attached monitor; a NumPy monitor follows host copies of θ_k."""
    model, X, Y = _problem(dtype, hidden=hidden)
    opt = torch.optim.SGD(model.parameters(), **optimizer_kwargs)
    monitor = InertiaMonitor().attach(opt, use_buffer=use_buffer)
    sched = scheduler(opt) if scheduler else None
    lr = optimizer_kwargs["lr"] if reference_lr is None else reference_lr
    reference = InertiaMonitor(lr=lr, momentum=optimizer_kwargs.get("momentum", 0.0))
    trajectory = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        theta = [p.detach().double().numpy().copy() for p in model.parameters()]
        trajectory.append(theta)
        reference.update(theta, loss.item())
        if order == "before":
            monitor.observe(loss)
        loss.backward()
        opt.step()
        if order == "after":
            monitor.observe(loss)
        if sched is not None:
            sched.step()
    return monitor, reference, trajectory


def _assert_same(monitor, reference, rtol=RTOL, atol=ATOL):
    for name in ("loss", "kinetic", "inertia", "change", "damping_part", "remainder",
                 "modified_inertia"):
        np.testing.assert_allclose(getattr(monitor, name), getattr(reference, name),
                                   rtol=rtol, atol=atol, err_msg=name)


@pytest.mark.parametrize("order", ["before", "after"])
@pytest.mark.parametrize("use_buffer", [None, False])
def test_sgd_momentum_equals_the_numpy_monitor(order, use_buffer):
    monitor, reference, _ = _run({"lr": 0.05, "momentum": 0.9}, order=order,
                                 use_buffer=use_buffer)
    _assert_same(monitor, reference)
    records = monitor.history()
    assert len(records) == 60 and records[0].kinetic == 0.0
    assert records[5].alpha == 0.05 and records[5].beta == 0.9
    assert records[-1].modified_inertia is None
    assert records[10].modified_inertia == reference.modified_inertia[10]


def test_nesterov_and_dampening_follow_pytorch_reading():
    # Dampening τ: heavy ball with α = (1 − τ)·lr (pytorch_to_heavy_ball); Nesterov: the step is
    # not the buffer, so the monitor copies the parameters.
    monitor, reference, _ = _run({"lr": 0.05, "momentum": 0.8, "dampening": 0.3},
                                 reference_lr=0.7 * 0.05)
    _assert_same(monitor, reference)
    monitor, reference, _ = _run({"lr": 0.05, "momentum": 0.8, "nesterov": True})
    assert not monitor._attached.use_buffer
    _assert_same(monitor, reference)


def test_float32_model_sums_in_float64_on_device():
    # float32 parameters: the step θ_k − θ_{k−1} is one float32 subtraction and each product one
    # float32 rounding (ε32 ≈ 6e-8 relative); the sum itself is float64, so ½‖v‖² agrees with a
    # float64 computation on the same float32 values to ~1e-7 relative: 1e-5 leaves margin.
    monitor, reference, _ = _run({"lr": 0.05, "momentum": 0.9}, dtype=torch.float32,
                                 use_buffer=False)
    np.testing.assert_allclose(monitor.kinetic, reference.kinetic, rtol=1e-5, atol=1e-12)
    # Each step's sums are a float64 row on the parameters' device until the records are read.
    row = monitor._backend.from_parameters(monitor._attached.params)
    assert row.chunk.dtype == torch.float64
    assert row.chunk.device == monitor._attached.params[0].device


def test_scheduler_changes_are_followed():
    # StepLR halves lr every 10 steps and the momentum is changed by hand at step 25: each
    # record carries the (α, β) of the step that led to it, and ½‖v_k‖² uses h_k = √α_k.
    def schedule(opt):
        return torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)

    model, X, Y = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.08, momentum=0.9)
    monitor = InertiaMonitor().attach(opt)
    sched = schedule(opt)
    thetas, lrs, betas = [], [], []
    for k in range(40):
        if k == 25:
            opt.param_groups[0]["momentum"] = 0.5
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        thetas.append(torch.cat([p.detach().reshape(-1) for p in model.parameters()]).numpy())
        lrs.append(opt.param_groups[0]["lr"])
        betas.append(opt.param_groups[0]["momentum"])
        loss.backward()
        opt.step()
        monitor.observe(loss.item())
        sched.step()
    records = monitor.history()
    for k in range(1, 40):
        assert records[k].alpha == lrs[k - 1] and records[k].beta == betas[k - 1]
        step = thetas[k] - thetas[k - 1]
        expected = 0.5 * float(step @ step) / lrs[k - 1]
        assert records[k].kinetic == pytest.approx(expected, rel=RTOL, abs=ATOL)
        damping = -(1 - betas[k - 1] ** 2) * records[k - 1].kinetic
        assert records[k].damping == pytest.approx(damping, rel=1e-14, abs=1e-300)
    assert {r.alpha for r in records} == {0.08, 0.04, 0.02, 0.01}
    assert monitor.lr == 0.01 and monitor.momentum == 0.5


def test_parameters_without_gradient_are_not_moved():
    # A layer used only in the first 5 steps: afterwards SGD leaves it (and its stale buffer)
    # alone, and the buffer-read monitor must count it as not moved, like the copying one.
    def run(use_buffer):
        torch.manual_seed(1)
        a, b = torch.nn.Linear(4, 1).double(), torch.nn.Linear(4, 1).double()
        X, Y = torch.randn(32, 4, dtype=torch.float64), torch.randn(32, 1, dtype=torch.float64)
        opt = torch.optim.SGD(list(a.parameters()) + list(b.parameters()), lr=0.1, momentum=0.9)
        monitor = InertiaMonitor().attach(opt, use_buffer=use_buffer)
        for k in range(20):
            opt.zero_grad()
            out = a(X) + (b(X) if k < 5 else 0)
            loss = ((out - Y) ** 2).mean()
            loss.backward()
            opt.step()
            monitor.observe(loss)
        return monitor

    fast, slow = run(None), run(False)
    assert fast._attached.use_buffer and not slow._attached.use_buffer
    _assert_same(fast, slow)


def test_update_accepts_tensors_that_require_grad():
    model, X, Y = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    monitor = InertiaMonitor(lr=0.05, momentum=0.9)
    reference = InertiaMonitor(lr=0.05, momentum=0.9)
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        assert monitor.update(model.parameters(), loss) is None   # sums stay on the device
        reference.update([p.detach().numpy().copy() for p in model.parameters()], loss.item())
        loss.backward()
        opt.step()
    _assert_same(monitor, reference)
    # The displacement form with PyTorch's buffer: the step is −lr·b_{k}.
    model, X, Y = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    fast = InertiaMonitor(lr=0.05, momentum=0.9)
    params = list(model.parameters())
    for k in range(30):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        buffers = [opt.state[p].get("momentum_buffer", torch.zeros_like(p)) for p in params]
        fast.update(params, loss, displacement=buffers, scale=-0.05)
        loss.backward()
        opt.step()
    _assert_same(fast, reference)


def test_refusals_are_clean_answers():
    model, X, Y = _problem()
    for make, needle in [
        (lambda: torch.optim.Adam(model.parameters(), lr=1e-3), "Adam"),
        (lambda: torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4),
         "weight_decay"),
        (lambda: torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, maximize=True),
         "maximize"),
        (lambda: torch.optim.SGD([{"params": model[0].parameters(), "lr": 0.1},
                                  {"params": model[2].parameters(), "lr": 0.2}], momentum=0.9),
         "groups differ"),
        (lambda: torch.optim.SGD(model.parameters(), lr=2.0, momentum=1.5), "momentum"),
    ]:
        with pytest.raises(InvalidArgument) as info:
            InertiaMonitor().attach(make())
        message = str(info.value)
        assert info.value.argument.startswith("optimizer") and needle in message
        assert "Traceback" not in message and ".py" not in message
    with pytest.raises(InvalidArgument, match="use_buffer"):
        InertiaMonitor().attach(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                                nesterov=True), use_buffer=True)
    with pytest.raises(InvalidArgument, match="read from the optimizer"):
        InertiaMonitor(lr=0.1, momentum=0.9).attach(torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(InvalidArgument, match="attach"):
        InertiaMonitor().observe(1.0)
    with pytest.raises(InvalidArgument, match="no learning rate"):
        InertiaMonitor().update(model.parameters(), 1.0)


def test_steps_and_losses_must_pair():
    model, X, Y = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    monitor = InertiaMonitor().attach(opt)
    monitor.observe(1.0)
    with pytest.raises(InvalidArgument, match="without an optimizer step"):
        monitor.observe(1.0)
    for _ in range(2):   # two steps after one loss: legal (the second loss may come next)
        ((model(X) - Y) ** 2).mean().backward()
        opt.step()
    assert len(monitor.history()) == 1
    opt.step()
    with pytest.raises(InvalidArgument, match="once per optimizer step"):
        monitor.history()
    monitor.detach()
    opt.step()  # no hook any more
    assert monitor._attached.steps == 3


def test_core_works_without_torch_and_jax():
    # torch and JAX blocked: the NumPy monitor works, and a feature that needs torch names the
    # extra that installs it.
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['jax'] = None\n"
        "import numpy as np\n"
        "from inertia_verify import InertiaMonitor, InvalidArgument\n"
        "m = InertiaMonitor(lr=0.1, momentum=0.9); m.update([np.ones(3)], 1.0)\n"
        "try:\n"
        "    InertiaMonitor().attach(object())\n"
        "except InvalidArgument as e:\n"
        "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "inertia-verify[torch]" in out.stdout


@pytest.mark.parametrize("momentum", [0.05, 0.5, 0.99])
def test_buffer_mode_cross_term_at_any_momentum(momentum):
    # Buffer mode takes the cross term from norms (μ >= 0.1) or one dot product (μ < 0.1); both
    # must give the modified inertia of the NumPy monitor at the float64 tolerance.
    monitor, reference, _ = _run({"lr": 0.05, "momentum": momentum}, steps=40)
    assert monitor._attached.use_buffer
    _assert_same(monitor, reference)


def test_without_modified_inertia_nothing_is_copied():
    model, X, Y = _problem()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    monitor = InertiaMonitor(track_modified=False).attach(opt)
    reference = InertiaMonitor(lr=0.05, momentum=0.9, track_modified=False)
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(X) - Y) ** 2).mean()
        reference.update([p.detach().numpy().copy() for p in model.parameters()], loss.item())
        loss.backward()
        opt.step()
        monitor.observe(loss)
    assert monitor._backend.previous is None and monitor._backend.previous_step is None
    assert monitor.modified_inertia == []
    np.testing.assert_allclose(monitor.inertia, reference.inertia, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(monitor.remainder, reference.remainder, rtol=RTOL, atol=ATOL)


def test_float32_buffer_mode_agrees_with_copies():
    # float32: the buffer's step −lr·b and the parameters' actual difference differ by the
    # rounding of θ − lr·b, ε32‖θ‖ against ‖Δθ‖ (~1e-2‖θ‖ here): ~1e-5 relative; 1e-3 on ½‖v‖²
    # and on the modified inertia leaves margin for the norms' own float32 blocks.
    fast, _, _ = _run({"lr": 0.05, "momentum": 0.9}, dtype=torch.float32, steps=40)
    slow, _, _ = _run({"lr": 0.05, "momentum": 0.9}, dtype=torch.float32, steps=40,
                      use_buffer=False)
    np.testing.assert_allclose(fast.kinetic[1:], slow.kinetic[1:], rtol=1e-3)
    np.testing.assert_allclose(fast.modified_inertia, slow.modified_inertia, rtol=1e-3)


def test_long_run_is_fetched_in_blocks():
    # More steps than one fetch block (256): the records fetched mid-run and at the end join up.
    from inertia_verify.numeric._monitor import _FETCH_EVERY

    steps = _FETCH_EVERY + 40
    monitor, reference, _ = _run({"lr": 0.05, "momentum": 0.9}, steps=steps)
    # One block was fetched during the run; the last 40 records still wait on the device.
    assert len(monitor._lists["loss"]) == _FETCH_EVERY and len(monitor._pending) == 40
    _assert_same(monitor, reference)
    assert [r.step for r in monitor.history()] == list(range(steps))


@pytest.mark.parametrize("momentum", [0.05, 0.9])
@pytest.mark.parametrize("use_buffer", [None, False])
def test_tensors_of_many_blocks(momentum, use_buffer):
    # A hidden width of 700: a 700×6 weight (blocks of 840, a divisor of its 4200 elements) and
    # a 2×700 one (reduced over its rows), in both modes and on both cross-term routes (float64:
    # RTOL as above; the other block layouts are checked in test_block_sums_against_float64).
    monitor, reference, _ = _run({"lr": 0.05, "momentum": momentum}, steps=25,
                                 use_buffer=use_buffer, hidden=700)
    assert monitor._attached.use_buffer == (use_buffer is None)
    _assert_same(monitor, reference)


def test_block_sums_against_float64():
    # update() with displacements of every block layout (one block: 1, 1023, 1024 elements;
    # blocks of 1024 and a shorter last one: 1025 and 2053, which have no divisor in [512, 1024];
    # blocks of a divisor: 4500 = 5·900 and a 70×50 view; the rows of a 4×2×600 tensor; the last
    # two not contiguous) in float32 and float64 tensors at once (two slot groups).  With lr = 1,
    # momentum = 1 and loss 0: kinetic = ½‖scale·s‖², the modified inertia of step k−1 =
    # ½ scale_k scale_{k−1} s_k·s_{k−1}.  Bound: per block a few ε of the
    # dtype relative to the block's norm (norms) or its absolute sum of products (dot products);
    # 16 ε of the tensor's dtype times Σ‖s‖² (or Σ|s·s_prev|) leaves margin; float64 sums add ~ε64.
    gen = torch.Generator().manual_seed(3)
    shapes = [(1,), (1023,), (1024,), (1025,), (2053,), (3, 1500), (4, 2, 600), (70, 50)]
    dtypes = [torch.float32, torch.float64, torch.float32, torch.float64, torch.float32,
              torch.float32, torch.float64, torch.float32]
    scales = [0.5, -0.03, 2.0, 1.0, -0.7]
    monitor = InertiaMonitor(lr=1.0, momentum=1.0)
    params = [torch.zeros(shape, dtype=dtype) for shape, dtype in zip(shapes, dtypes)]
    history, steps64 = [], [torch.zeros(shape, dtype=torch.float64) for shape in shapes]
    for scale in scales:
        # Correlated successive steps, as under momentum: the cross term is not small.
        steps64 = [0.9 * s + 0.3 * torch.randn(s.shape, generator=gen, dtype=torch.float64)
                   for s in steps64]
        steps = [s.to(dtype) for s, dtype in zip(steps64, dtypes)]
        # The same values, not contiguous.
        steps[-1] = steps[-1].t().contiguous().t()
        steps[-2] = steps[-2].transpose(0, 1).contiguous().transpose(0, 1)
        assert not (steps[-1].is_contiguous() or steps[-2].is_contiguous())
        monitor.update(params, 0.0, displacement=steps, scale=scale)
        history.append([s.double().numpy().reshape(-1) for s in steps])
    eps = {torch.float32: float(np.finfo(np.float32).eps),
           torch.float64: float(np.finfo(float).eps)}
    for k, scale in enumerate(scales):
        squared = scale ** 2 * sum(float(s @ s) for s in history[k])
        bound = 16 * scale ** 2 * sum(eps[d] * float(s @ s) for s, d in zip(history[k], dtypes))
        assert abs(2 * monitor.kinetic[k] - squared) <= bound
        if k:
            cross = scale * scales[k - 1] * sum(float(s @ p)
                                                for s, p in zip(history[k], history[k - 1]))
            bound = 16 * abs(scale * scales[k - 1]) * sum(
                eps[d] * float(np.abs(s) @ np.abs(p))
                for s, p, d in zip(history[k], history[k - 1], dtypes))
            assert abs(2 * monitor.modified_inertia[k - 1] - cross) <= bound
    with pytest.raises(InvalidArgument, match="dtype"):
        monitor.update(params, 0.0, displacement=[s.double() for s in steps], scale=1.0)
