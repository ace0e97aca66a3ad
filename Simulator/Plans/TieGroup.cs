namespace ScalePlanner.Simulator.Plans;

/// <summary>
/// Consecutive ranks <see cref="FirstRank"/>…<see cref="LastRank"/> whose objective is within <see cref="Percent"/> % of the first
/// one's: near-ties, shown as one row (the first). <see cref="MayContinue"/>: the group reaches the end of what the search kept,
/// so more layouts may be as close.
/// </summary>
public sealed record TieGroup(RankedLayout First, int FirstRank, int LastRank, double Percent, bool MayContinue)
{
    public int Count => LastRank - FirstRank + 1;
}
