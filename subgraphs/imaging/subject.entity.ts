import { defineSubject } from '../../common/subject';

/** This subgraph's view of the federated Subject entity. */
export const Subject = defineSubject();
export type Subject = InstanceType<typeof Subject>;
