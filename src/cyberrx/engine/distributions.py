"""Distribution families for simulation inputs: one hook per family, ``sample`` and ``ppf``.

Each family is a small frozen dataclass of its parameters (in the unit of the quantity it describes:
``usd``, ``per_year``, a probability) that implements two hooks:

* ``sample(rng, n) -> ndarray`` of shape ``(n,)``, float64, drawn from the ``numpy.random.Generator``
  passed in (never from module-level ``np.random``; see :mod:`cyberrx.engine.rng`);
* ``ppf(q) -> ndarray``: the quantile function, vectorised over ``q`` in ``[0, 1]`` (same shape as ``q``).

The base class derives the rest from those hooks (``mean``, ``variance``, ``tail_mean``, ``clipped``);
families override ``mean`` and ``variance`` where a closed form exists. Every registered family passes one
contract suite (``tests/fair/test_distributions_contract.py``).

Families (registry :data:`FAMILIES`, built by :func:`make`):

========== ==================================== ==============================================
name       parameters                           notes
========== ==================================== ==============================================
constant   ``value``                            a point mass
uniform    ``low``, ``high``
normal     ``mean``, ``stdev``                  unbounded; wrap in :class:`Clipped` to clip
pert       ``low``, ``mode``, ``high``,         a scaled beta; ``convention`` picks the shape
           ``gamma=4``, ``convention``          (see :class:`Pert`)
lognormal  ``mean``, ``stdev``                  mean and stdev of the variable itself, not its log
========== ==================================== ==============================================

and, for the loss model's severity drivers, :class:`LognormalMedian` (``median``, ``sigma`` of the log).

>>> import numpy as np
>>> from cyberrx.engine.rng import stream
>>> d = make("pert", low=10.0, mode=20.0, high=60.0)
>>> d.mean
25.0
>>> x = d.sample(stream(1, "doc"), 1000)
>>> x.shape, bool((x >= 10).all() and (x <= 60).all())
((1000,), True)
>>> float(make("uniform", low=0.0, high=4.0).ppf(np.array([0.25]))[0])
1.0
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np

FloatArray = np.ndarray

_TAIL_POINTS = (1e-7, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1 - 1e-4, 1 - 1e-5, 1 - 1e-7)


def _check_n(n: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    return int(n)


def _finite(name: str, value: float) -> float:
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


class Distribution(ABC):
    """Base of every family: implement ``sample`` and ``ppf``; the rest is derived."""

    family: ClassVar[str]

    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` independent draws, float64 array of shape ``(n,)``."""

    @abstractmethod
    def ppf(self, q: FloatArray) -> FloatArray:
        """Quantile function at probabilities ``q`` (any shape, values in [0, 1]); same shape as ``q``."""

    # -- derived from the hooks -------------------------------------------------------------------------
    def _integrate_ppf(self, fn: Any, lo: float = 0.0, hi: float = 1.0) -> float:
        from scipy.integrate import quad  # lazy: keeps `import cyberrx` fast

        # breakpoints into the tails, where point masses and heavy tails put the area quad would miss
        points = [p for p in _TAIL_POINTS if lo < p < hi]
        value, _ = quad(lambda q: float(fn(float(self.ppf(np.array([q]))[0]))), lo, hi, limit=400,
                        points=points or None)
        return float(value)

    @property
    def mean(self) -> float:
        """Expected value, ``E[X] = integral of ppf(q) dq over [0, 1]`` unless a family knows better."""
        return self._integrate_ppf(lambda x: x)

    @property
    def variance(self) -> float:
        """Variance, ``E[X^2] - E[X]^2`` from the quantile function unless a family knows better."""
        m = self.mean
        return max(self._integrate_ppf(lambda x: (x - m) ** 2), 0.0)

    @property
    def stdev(self) -> float:
        """Standard deviation, the square root of :attr:`variance`."""
        return math.sqrt(self.variance)

    def tail_mean(self, p: float) -> float:
        """Mean of the worst ``1 - p`` share of outcomes, ``E[X | X >= ppf(p)]`` (TVaR at level ``p``)."""
        if not 0.0 <= p < 1.0:
            raise ValueError(f"p must be in [0, 1), got {p}")
        return self._integrate_ppf(lambda x: x, p, 1.0) / (1.0 - p)

    def clipped(self, low: float = -math.inf, high: float = math.inf) -> Clipped:
        """This distribution with draws outside ``[low, high]`` moved to the nearest bound."""
        return Clipped(self, low, high)


@dataclass(frozen=True)
class Constant(Distribution):
    """Always ``value``."""

    value: float
    family: ClassVar[str] = "constant"

    def __post_init__(self) -> None:
        _finite("value", self.value)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(_check_n(n), float(self.value))

    def ppf(self, q: FloatArray) -> FloatArray:
        return np.full(np.shape(q), float(self.value))

    @property
    def mean(self) -> float:
        return float(self.value)

    @property
    def variance(self) -> float:
        return 0.0


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on ``[low, high]``."""

    low: float
    high: float
    family: ClassVar[str] = "uniform"

    def __post_init__(self) -> None:
        if not _finite("low", self.low) <= _finite("high", self.high):
            raise ValueError(f"uniform needs low <= high, got {self.low} > {self.high}")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, _check_n(n))

    def ppf(self, q: FloatArray) -> FloatArray:
        return self.low + np.asarray(q, dtype=float) * (self.high - self.low)

    @property
    def mean(self) -> float:
        return 0.5 * (self.low + self.high)

    @property
    def variance(self) -> float:
        return (self.high - self.low) ** 2 / 12.0


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal with ``mean`` and ``stdev`` (``stdev >= 0``); unbounded, so clip money with :meth:`clipped`."""

    mean_: float
    stdev_: float
    family: ClassVar[str] = "normal"

    def __init__(self, mean: float, stdev: float) -> None:
        object.__setattr__(self, "mean_", _finite("mean", mean))
        object.__setattr__(self, "stdev_", _finite("stdev", stdev))
        if self.stdev_ < 0:
            raise ValueError(f"normal needs stdev >= 0, got {stdev}")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.normal(self.mean_, self.stdev_, _check_n(n))

    def ppf(self, q: FloatArray) -> FloatArray:
        from scipy.special import ndtri

        return self.mean_ + self.stdev_ * ndtri(np.asarray(q, dtype=float))

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.stdev_ ** 2


PertConvention = Literal["classic", "pyfair"]


@dataclass(frozen=True)
class Pert(Distribution):
    """PERT on ``[low, high]`` with most likely value ``mode``: ``low + (high - low) * Beta(alpha, beta)``.

    Both conventions have mean ``(low + gamma * mode + high) / (gamma + 2)``; they differ in spread.

    * ``classic`` (Vose; the usual PERT): ``alpha = 1 + gamma (mode - low) / (high - low)``,
      ``beta = 1 + gamma (high - mode) / (high - low)``; the beta's mode is ``mode``.
    * ``pyfair`` (pyfair 0.1a13, ``FairBetaPert``): the beta matched to that mean and to a standard
      deviation of ``(high - low) / (gamma + 2)``; with ``m = (mean - low) / (high - low)``,
      ``alpha = m (m (1 - m) (gamma + 2)^2 - 1)``, ``beta = alpha (1 - m) / m``. Narrower than classic
      when the mode is central (variance ``1/36`` against ``1/28`` of the range squared for a symmetric
      PERT with ``gamma = 4``); used to reproduce models exported by pyfair.

    Needs ``low <= mode <= high``, ``low < high`` and ``gamma > 0``.
    """

    low: float
    mode: float
    high: float
    gamma: float = 4.0
    convention: PertConvention = "classic"
    family: ClassVar[str] = "pert"

    def __post_init__(self) -> None:
        lo, mo, hi = _finite("low", self.low), _finite("mode", self.mode), _finite("high", self.high)
        if not lo < hi:
            raise ValueError(f"pert needs low < high, got low={lo}, high={hi}")
        if not lo <= mo <= hi:
            raise ValueError(f"pert needs low <= mode <= high, got {lo}, {mo}, {hi}")
        if not _finite("gamma", self.gamma) > 0:
            raise ValueError(f"pert needs gamma > 0, got {self.gamma}")
        if self.convention not in ("classic", "pyfair"):
            raise ValueError(f"pert convention must be 'classic' or 'pyfair', got {self.convention!r}")

    @property
    def alpha(self) -> float:
        """First shape parameter of the underlying beta."""
        r = self.high - self.low
        if self.convention == "classic":
            return 1.0 + self.gamma * (self.mode - self.low) / r
        m = (self.mean - self.low) / r
        return m * (m * (1.0 - m) * (self.gamma + 2.0) ** 2 - 1.0)

    @property
    def beta(self) -> float:
        """Second shape parameter of the underlying beta."""
        r = self.high - self.low
        if self.convention == "classic":
            return 1.0 + self.gamma * (self.high - self.mode) / r
        m = (self.mean - self.low) / r
        return self.alpha * (1.0 - m) / m

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        x = rng.beta(self.alpha, self.beta, _check_n(n))
        x *= self.high - self.low
        x += self.low
        return x

    def ppf(self, q: FloatArray) -> FloatArray:
        from scipy.special import betaincinv

        return self.low + (self.high - self.low) * betaincinv(self.alpha, self.beta, np.asarray(q, dtype=float))

    @property
    def mean(self) -> float:
        return (self.low + self.gamma * self.mode + self.high) / (self.gamma + 2.0)

    @property
    def variance(self) -> float:
        a, b, r = self.alpha, self.beta, self.high - self.low
        return r * r * a * b / ((a + b) ** 2 * (a + b + 1.0))


@dataclass(frozen=True)
class Lognormal(Distribution):
    """Lognormal given the ``mean`` and ``stdev`` of the variable itself (both > 0 and >= 0).

    ``log X ~ Normal(mu, sigma)`` with ``sigma^2 = log(1 + (stdev / mean)^2)`` and
    ``mu = log(mean) - sigma^2 / 2``. Use :meth:`from_log` to give ``mu`` and ``sigma`` directly.
    """

    mean_: float
    stdev_: float
    family: ClassVar[str] = "lognormal"

    def __init__(self, mean: float, stdev: float) -> None:
        object.__setattr__(self, "mean_", _finite("mean", mean))
        object.__setattr__(self, "stdev_", _finite("stdev", stdev))
        if self.mean_ <= 0 or self.stdev_ < 0:
            raise ValueError(f"lognormal needs mean > 0 and stdev >= 0, got {mean}, {stdev}")

    @classmethod
    def from_log(cls, mu: float, sigma: float) -> Lognormal:
        """The lognormal whose logarithm has mean ``mu`` and standard deviation ``sigma``."""
        mean = math.exp(mu + 0.5 * sigma * sigma)
        return cls(mean, mean * math.sqrt(math.expm1(sigma * sigma)))

    @property
    def sigma(self) -> float:
        """Standard deviation of ``log X``."""
        return math.sqrt(math.log1p((self.stdev_ / self.mean_) ** 2))

    @property
    def mu(self) -> float:
        """Mean of ``log X``."""
        return math.log(self.mean_) - 0.5 * self.sigma ** 2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.lognormal(self.mu, self.sigma, _check_n(n))

    def ppf(self, q: FloatArray) -> FloatArray:
        from scipy.special import ndtri

        return np.exp(self.mu + self.sigma * ndtri(np.asarray(q, dtype=float)))

    @property
    def mean(self) -> float:
        return self.mean_

    @property
    def variance(self) -> float:
        return self.stdev_ ** 2


@dataclass(frozen=True)
class LognormalMedian(Distribution):
    """Lognormal given its ``median`` (> = 0, in the unit of the quantity: usd, hours, records) and the
    standard deviation ``sigma`` of its logarithm: ``X = median * exp(sigma * Z)``.

    The loss model's severity family. ``sample`` is exactly ``median * rng.lognormal(0.0, sigma, n)``: the
    draws a scenario makes do not depend on its median (so parameters never shift the random stream), and a
    median of 1 gives numpy's draws unchanged (the shared per-event size factor).

    >>> d = LognormalMedian(100.0, 0.0)
    >>> float(d.mean), float(d.ppf(np.array([0.5]))[0])
    (100.0, 100.0)
    """

    median: float
    sigma: float
    family: ClassVar[str] = "lognormal_median"

    def __post_init__(self) -> None:
        if not _finite("median", self.median) >= 0 or not _finite("sigma", self.sigma) >= 0:
            raise ValueError(f"lognormal_median needs median >= 0 and sigma >= 0, got {self.median}, {self.sigma}")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        x = rng.lognormal(0.0, self.sigma, _check_n(n))
        if self.median != 1.0:
            x *= self.median
        return x

    def ppf(self, q: FloatArray) -> FloatArray:
        from scipy.special import ndtri

        return self.median * np.exp(self.sigma * ndtri(np.asarray(q, dtype=float)))

    @property
    def mean(self) -> float:
        return self.median * math.exp(0.5 * self.sigma * self.sigma)

    @property
    def variance(self) -> float:
        s2 = self.sigma * self.sigma
        return self.median * self.median * math.exp(s2) * math.expm1(s2)


@dataclass(frozen=True)
class Clipped(Distribution):
    """``base`` with values below ``low`` set to ``low`` and above ``high`` set to ``high`` (censoring).

    Not truncation: the probability outside the bounds becomes a point mass on them, which is what
    pyfair does to every input (``np.clip`` to ``[0, inf)``, or ``[0, 1]`` for probabilities).
    """

    base: Distribution
    low: float = -math.inf
    high: float = math.inf
    family: ClassVar[str] = "clipped"

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError(f"clipped needs low <= high, got {self.low} > {self.high}")

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        out: FloatArray = np.clip(self.base.sample(rng, n), self.low, self.high)
        return out

    def ppf(self, q: FloatArray) -> FloatArray:
        out: FloatArray = np.clip(self.base.ppf(q), self.low, self.high)
        return out

    @property
    def mean(self) -> float:
        if isinstance(self.base, Normal) and self.base.stdev_ > 0:
            return _clipped_normal_mean(self.base.mean_, self.base.stdev_, self.low, self.high)
        return super().mean


def _clipped_normal_mean(mu: float, sd: float, low: float, high: float) -> float:
    """``E[clip(X, low, high)]`` for ``X ~ Normal(mu, sd)``, in closed form."""
    from scipy.special import ndtr

    def pdf(z: float) -> float:
        return math.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi) if math.isfinite(z) else 0.0

    a = (low - mu) / sd
    b = (high - mu) / sd
    fa = float(ndtr(a))
    fb = float(ndtr(b))
    inner = mu * (fb - fa) + sd * (pdf(a) - pdf(b))
    lower = low * fa if fa > 0 else 0.0
    upper = high * (1.0 - fb) if fb < 1 else 0.0
    return inner + lower + upper


#: every family a model file may name, by its ``family`` id (the loss model's :class:`LognormalMedian` is not
#: named by model files; its own contract suite is ``tests/engine/test_severity_family.py``)
FAMILIES: Mapping[str, type[Distribution]] = {
    cls.family: cls for cls in (Constant, Uniform, Normal, Pert, Lognormal)
}


def make(family: str, **params: Any) -> Distribution:
    """The distribution of ``family`` with ``params`` (keyword names as in the table above)."""
    try:
        cls = FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown distribution family {family!r}; known: {', '.join(FAMILIES)}") from None
    return cls(**params)


__all__ = [
    "FAMILIES",
    "Clipped",
    "Constant",
    "Distribution",
    "Lognormal",
    "LognormalMedian",
    "Normal",
    "Pert",
    "PertConvention",
    "Uniform",
    "make",
]
