namespace ScalePlanner.Simulator.Layouts;

public enum CompressionKind { None, Bf16, PowerSgd }

/// <summary>Data-parallel gradient compression: a bf16 cast, or PowerSGD of rank r (Vogels et al. 2019) with error feedback.</summary>
public readonly record struct GradientCompression(CompressionKind Kind, int Rank)
{
    public static readonly GradientCompression None = new(CompressionKind.None, 0);

    public override string ToString() => Kind switch
    {
        CompressionKind.None => "none",
        CompressionKind.Bf16 => "bf16",
        _ => $"powersgd:{Rank}",
    };
}
