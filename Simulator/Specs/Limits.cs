using System.Globalization;

namespace ScalePlanner.Simulator.Specs;

/// <summary>An inclusive range of whole numbers a field may take, in the unit the user writes it in.</summary>
public sealed record IntRange(long Min, long Max, string Unit = "")
{
    public int Check(string field, long value) =>
        value >= Min && value <= Max ? (int)value : throw new SpecException(field, $"must be {Describe()}, got {value}");

    public string Describe() => $"an integer from {Limits.Number(Min)} to {Limits.Number(Max)}{(Unit.Length > 0 ? " " + Unit : "")}";
}

/// <summary>An inclusive range of real numbers a field may take, in the unit the user writes it in.</summary>
public sealed record NumberRange(double Min, double Max, string Unit = "")
{
    public double Check(string field, double value) =>
        double.IsFinite(value) && value >= Min && value <= Max ? value : throw new SpecException(field, $"must be {Describe()}, got {Limits.Number(value)}");

    public string Describe() => $"a number from {Limits.Number(Min)} to {Limits.Number(Max)}{(Unit.Length > 0 ? " " + Unit : "")}";
}

/// <summary>
/// The physically meaningful range of every size, rate and count a user gives (scenario keys, layout values). The bounds are
/// generous, well beyond any published run, and keep every product the cost model forms (parameters, bytes, FLOPs) finite
/// and exact: the largest parameter count they allow, layers × 3·hidden·ffn ≈ 10⁴ · 3 · 2²⁰ · 2²², stays below 2⁶³.
/// </summary>
public static class Limits
{
    /// <summary>10,000 layers: about 80 times the deepest published transformer (Megatron 1T and Llama 3 405B have 128 and 126).</summary>
    public static readonly IntRange Layers = new(1, 10_000);

    /// <summary>2²⁰ = 1,048,576: about 40 times the widest published model (Megatron 1T, hidden 25,600).</summary>
    public static readonly IntRange Hidden = new(1, 1 << 20);

    /// <summary>2²² MLP width: four times <see cref="Hidden"/>'s bound, the GPT ratio (Radford et al. 2019).</summary>
    public static readonly IntRange FfnHidden = new(1, 1 << 22);

    /// <summary>2²⁴ tokens: 64 times Gemma's 256k vocabulary (Gemma Team 2024).</summary>
    public static readonly IntRange Vocab = new(1, 1 << 24, "tokens");

    /// <summary>2²⁴ tokens: beyond Gemini 1.5's 10M-token context (Gemini Team 2024).</summary>
    public static readonly IntRange SequenceLength = new(1, 1 << 24, "tokens");

    /// <summary>2²⁴ sequences per step: the largest published batches are a few thousand sequences (Llama 3: 16M tokens, 2,048 × 8k).</summary>
    public static readonly IntRange GlobalBatchSize = new(1, 1 << 24, "sequences");

    /// <summary>Up to 1e16 tokens: about 640 times Llama 3's 15.6T (Dubey et al. 2024); at least one step's worth is checked with the batch.</summary>
    public static readonly NumberRange Tokens = new(1, 1e16, "tokens");

    /// <summary>2²¹ devices: about ten times the largest published cluster (some 200,000 GPUs, 2025).</summary>
    public const int MaxDevices = 1 << 21;

    public static readonly IntRange Nodes = new(1, MaxDevices);

    /// <summary>A TPU v5p pod (8,960 chips, one ICI domain) is the largest catalog "node"; 65,536 leaves room.</summary>
    public static readonly IntRange DevicesPerNode = new(1, 1 << 16);

    /// <summary>0.01 GB/s (80 Mbit/s, below any data-centre link) to 100,000 GB/s (a hundred times NVLink 5's 900 GB/s per direction).</summary>
    public static readonly NumberRange LinkGBps = new(0.01, 100_000, "GB/s");

    /// <summary>0 to 100,000 µs (0.1 s, a round trip across a continent); NVLink and InfiniBand hops take a few µs.</summary>
    public static readonly NumberRange LatencyUs = new(0, 100_000, "µs");

    /// <summary>Up to $10,000 per device-hour; 2025 list prices are $1–10.</summary>
    public static readonly NumberRange PricePerDeviceHour = new(0, 10_000, "$/hour");

    /// <summary>1 hour to 10⁹ hours per device; Llama 3 saw about 50,700 (Dubey et al. 2024, §3.3.4).</summary>
    public static readonly NumberRange DeviceMtbfHours = new(1, 1e9, "hours");

    /// <summary>0.01 to 100,000 GB/s of checkpoint bandwidth per node (a parallel file system gives a few GB/s per node).</summary>
    public static readonly NumberRange CheckpointGBpsPerNode = new(0.01, 100_000, "GB/s");

    /// <summary>0 s to a week (604,800 s) to restart after a failure; the default assumption is 600 s.</summary>
    public static readonly NumberRange RestartSeconds = new(0, 604_800, "seconds");

    /// <summary>1 to 10¹² tokens per second per device: below one the input pipeline stalls for days per step.</summary>
    public static readonly NumberRange LoaderTokensPerSecond = new(1, 1e12, "tokens/s");

    /// <summary>A deadline of up to 100,000 days (about 270 years).</summary>
    public static readonly NumberRange DeadlineDays = new(1e-3, 1e5, "days");

    /// <summary>A budget of up to 10¹⁵ dollars.</summary>
    public static readonly NumberRange BudgetDollars = new(1e-3, 1e15, "dollars");

    /// <summary>Layout degrees (dp, tp, pp, vp, cp) are at most the largest cluster's devices.</summary>
    public static readonly IntRange Degree = new(1, MaxDevices);

    /// <summary>A micro-batch is at most the largest global batch.</summary>
    public static readonly IntRange MicroBatch = new(1, GlobalBatchSize.Max, "sequences");

    /// <summary>Layers of a stage (firstStageLayers, lastStageLayers, recomputeLayers): 0 (the default) to the deepest model.</summary>
    public static readonly IntRange StageLayers = new(0, Layers.Max);

    /// <summary>Numbers in messages: 1,048,576 and 0.5 as such, very large or small ones as 1e16 and 1e-300.</summary>
    public static string Number(double value) => Math.Abs(value) switch
    {
        0 => "0",
        < 1e9 and >= 1e-3 when value == Math.Floor(value) => value.ToString("N0", CultureInfo.InvariantCulture),
        < 1e9 and >= 1e-3 => value.ToString("G", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##########e0", CultureInfo.InvariantCulture),
    };
}
