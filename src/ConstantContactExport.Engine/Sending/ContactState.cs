using System;
using System.Collections.Generic;

namespace ConstantContactExport.Engine.Sending;

/// <summary>What GET /contacts says of one contact: the lists it is on and when it last changed (the server's clock).</summary>
public sealed record ContactState(IReadOnlyCollection<string> ListIds, DateTimeOffset? UpdatedAt);

/// <summary>One contact of a GET /contacts page: its id and address (held only to compute its key, never kept).</summary>
public readonly record struct ContactIdentity(Guid ContactId, string Email);

/// <summary>One page of GET /contacts and the href of the next (null on the last).</summary>
public sealed record ContactPage(IReadOnlyList<ContactIdentity> Contacts, string? Next);
