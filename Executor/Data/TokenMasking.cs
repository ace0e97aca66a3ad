using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Data;

/// <summary>
/// On-the-fly input corruption: each input token is replaced by <see cref="MaskToken"/> with probability p, independently, from a
/// generator seeded by (seed, sample), so the same sample is masked the same way on every worker and after a resume. Targets are
/// left whole: the model learns to predict the next token from a corrupted context (token dropout as in Bowman et al. 2016's
/// word dropout).
/// </summary>
public sealed class TokenMasking
{
    /// <summary>Id 0: the byte tokenizer's NUL byte, which text does not contain; with another tokenizer, keep id 0 for it.</summary>
    public const int MaskToken = 0;

    /// <summary>Salt so mask draws differ from the row and shuffle draws made with the same seed.</summary>
    private const int Salt = 0x6D61736B; // "mask"

    public TokenMasking(double probability, int seed)
    {
        if (!(probability >= 0 && probability < 1))
            throw new SpecException("--mask-prob", $"{probability} is not a probability; allowed: 0 ≤ p < 1");
        Probability = probability;
        Seed = seed;
    }

    public static TokenMasking None { get; } = new(0, 0);

    public double Probability { get; }
    public int Seed { get; }

    public void Apply(long sample, Span<long> inputs)
    {
        if (Probability == 0) return;
        var random = new Random(SplitMix.Seed(Seed ^ Salt, sample));
        for (int t = 0; t < inputs.Length; t++)
            if (random.NextDouble() < Probability) inputs[t] = MaskToken;
    }
}
