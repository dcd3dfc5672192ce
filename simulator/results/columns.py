"""Tables as named numpy columns, turned into pandas DataFrames only when someone reads them.

A replication's interval and agent tables travel from the worker as plain columns: importing
pandas costs about 0.2 s, a fifth of a one-week ``ccsim run``, and a run that prints KPIs never
looks at a frame. Whoever does (a report, ``--out``, a study) gets the DataFrame on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


class Categorical(NamedTuple):
    """Integer codes into ``categories``: a pandas Categorical to be."""

    codes: np.ndarray
    categories: Sequence[str]


class Columns(dict):
    """Column name -> numpy array (or a scalar, broadcast like pandas does, or a Categorical)."""

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame, columns in insertion order."""
        import pandas as pd

        return pd.DataFrame(
            {
                name: pd.Categorical.from_codes(v.codes, categories=list(v.categories))
                if isinstance(v, Categorical)
                else v
                for name, v in self.items()
            }
        )


def stack(tables: Sequence[Columns]) -> pd.DataFrame:
    """The tables one under the other as one DataFrame (a single table is not copied twice)."""
    import pandas as pd

    frames = [t.frame() for t in tables]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
