namespace ScalePlanner.Planner.Search;

/// <summary>The best N candidates seen so far, kept sorted; insertion is a shift of at most N entries.</summary>
public sealed class TopList(int capacity)
{
    private readonly Candidate[] items = new Candidate[capacity];

    public int Count { get; private set; }

    /// <summary>Cheap pre-check for the hot loop: a score that cannot enter the list.</summary>
    public bool Rejects(double score) => Count == capacity && score > items[Count - 1].Score;

    public void Offer(in Candidate candidate)
    {
        if (Count == capacity && Candidate.Compare(candidate, items[Count - 1]) >= 0) return;
        int i = Count == capacity ? Count - 1 : Count++;
        while (i > 0 && Candidate.Compare(candidate, items[i - 1]) < 0)
        {
            items[i] = items[i - 1];
            i--;
        }
        items[i] = candidate;
    }

    public IEnumerable<Candidate> Items => items.Take(Count);

    /// <summary>The score a candidate must beat to enter the full list; infinite while it is not full.</summary>
    public double WorstScore => Count == capacity ? items[Count - 1].Score : double.PositiveInfinity;
}
