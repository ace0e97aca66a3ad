using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Validation;

/// <summary>One piece of a model that calibration times whole: a block stack forward + backward, or a block's attention core alone.</summary>
public sealed record BlockCase(string Name, BlockSize Size, bool AttentionOnly, Precision Precision)
{
    public static BlockCase Block(BlockSize size, Precision precision = Precision.Fp32) =>
        new(precision == Precision.Fp32 ? size.Name : $"{size.Name} {precision.Key()}", size, false, precision);

    public static BlockCase Attention(BlockSize size) => new($"attention {size.Name[(size.Name.IndexOf(' ') + 1)..]}", size, true, Precision.Fp32);

    /// <summary>What the cost model predicts for it with <paramref name="profile"/>.</summary>
    public double Predicted(DeviceProfile profile) => AttentionOnly
        ? BlockPrediction.AttentionSeconds(Size, profile)
        : BlockPrediction.ForwardBackwardSeconds(Size, profile, Precision);

    public BlockRun Build(Device device) => AttentionOnly
        ? BlockTimings.Attention(Size, Precision, device)
        : BlockTimings.ForwardBackward(Size, Precision, device);
}
