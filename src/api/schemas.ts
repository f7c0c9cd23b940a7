import { Type } from 'typebox';

export const errorEnvelope = Type.Object({
  errors: Type.Array(Type.Object({ message: Type.String() })),
}, { description: 'The documented error envelope' });
