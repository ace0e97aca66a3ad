namespace ScalePlanner.Executor.Data;

/// <summary>
/// A synthetic token source of known entropy: a seeded first-order Markov chain over the vocabulary in which every token has
/// <c>branching</c> possible successors with random probabilities. Its entropy rate H = −Σ_i π_i Σ_j P_ij ln P_ij (Cover &amp;
/// Thomas 2006, Thm. 4.2.4; π the stationary distribution) is the lowest cross-entropy any model can reach on it.
/// </summary>
public sealed class MarkovSource
{
    private readonly int[][] successors;
    private readonly double[][] cumulative;
    private readonly double[][] probabilities;

    public MarkovSource(int vocab, int branching, int seed)
    {
        if (vocab < 2 || branching < 1 || branching > vocab) throw new ArgumentOutOfRangeException(nameof(branching), $"need 2 ≤ vocab and 1 ≤ branching ≤ vocab, got {vocab}, {branching}");
        Vocab = vocab;
        var random = new Random(seed);
        successors = new int[vocab][];
        probabilities = new double[vocab][];
        cumulative = new double[vocab][];
        for (int i = 0; i < vocab; i++)
        {
            successors[i] = [.. Enumerable.Range(0, vocab).OrderBy(_ => random.Next()).Take(branching)];
            var weights = Enumerable.Range(0, branching).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray(); // Exp(1): a flat Dirichlet draw once normalised
            double total = weights.Sum();
            probabilities[i] = [.. weights.Select(w => w / total)];
            double running = 0;
            cumulative[i] = [.. probabilities[i].Select(p => running += p)];
        }
        EntropyRate = ComputeEntropyRate();
    }

    public int Vocab { get; }

    /// <summary>Nats per token.</summary>
    public double EntropyRate { get; }

    /// <summary>A sequence of <paramref name="length"/> tokens from a uniformly drawn start.</summary>
    public int[] Sample(int length, Random random)
    {
        var tokens = new int[length];
        int state = random.Next(Vocab);
        for (int t = 0; t < length; t++)
        {
            tokens[t] = state;
            double u = random.NextDouble();
            int k = Array.FindIndex(cumulative[state], c => u < c);
            state = successors[state][k < 0 ? successors[state].Length - 1 : k];
        }
        return tokens;
    }

    private double ComputeEntropyRate()
    {
        // Stationary distribution by power iteration (the chain is treated as ergodic; a periodic chain averages its phases).
        var pi = Enumerable.Repeat(1.0 / Vocab, Vocab).ToArray();
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            var next = new double[Vocab];
            for (int i = 0; i < Vocab; i++)
                for (int k = 0; k < successors[i].Length; k++) next[successors[i][k]] += pi[i] * probabilities[i][k];
            for (int i = 0; i < Vocab; i++) pi[i] = 0.5 * (pi[i] + next[i]); // lazy step: converges for periodic chains too
        }
        double h = 0;
        for (int i = 0; i < Vocab; i++)
            foreach (double p in probabilities[i]) h -= pi[i] * p * Math.Log(p);
        return h;
    }
}
