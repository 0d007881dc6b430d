namespace ConstantContactExport.Engine.Import;

/// <summary>A finished import body.</summary>
/// <param name="Number">1-based, in the order written.</param>
/// <param name="ContactCount">Contacts in <c>import_data</c>.</param>
/// <param name="BodyBytes">UTF-8 bytes of the whole body.</param>
public sealed record ImportBatch(int Number, int ContactCount, long BodyBytes);
