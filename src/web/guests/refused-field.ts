// Which field of a guest form a refusal concerns, from the field its message
// names ("Invalid ends_at: …", "Invalid guest.email: …", "ends_at is after …"),
// so the page marks that field beside the message at the top.
const named = /^(?:Invalid )?(?:guest\.)?(name|email|plate|starts_at|ends_at|label|max_hours|door_ids)\b/;

export function refusedField(message: string): string | undefined {
  return named.exec(message)?.[1];
}
